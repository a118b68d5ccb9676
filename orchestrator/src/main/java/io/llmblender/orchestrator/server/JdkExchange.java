package io.llmblender.orchestrator.server;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Map;

/** An {@link Exchange} over the JDK's {@link HttpExchange}. */
final class JdkExchange implements Exchange {
    private final HttpExchange ex;

    JdkExchange(HttpExchange ex) {
        this.ex = ex;
    }

    @Override
    public String method() {
        return ex.getRequestMethod();
    }

    @Override
    public String path() {
        return ex.getRequestURI().getPath();
    }

    @Override
    public String header(String name) {
        return ex.getRequestHeaders().getFirst(name);
    }

    @Override
    public byte[] body(int maxBytes) throws IOException {
        byte[] bytes;
        try (InputStream in = ex.getRequestBody()) {
            bytes = in.readNBytes(maxBytes + 1);
        }
        if (bytes.length > maxBytes) {
            throw ApiError.tooLarge(maxBytes);
        }
        return bytes;
    }

    @Override
    public void respond(int status, Map<String, String> headers, String contentType, byte[] body) throws IOException {
        headers.forEach(ex.getResponseHeaders()::set);
        ex.getResponseHeaders().set("Content-Type", contentType);
        ex.sendResponseHeaders(status, body.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(body);
        }
    }

    @Override
    public OutputStream stream(int status, Map<String, String> headers, String contentType) throws IOException {
        headers.forEach(ex.getResponseHeaders()::set);
        ex.getResponseHeaders().set("Content-Type", contentType);
        ex.sendResponseHeaders(status, 0);
        return ex.getResponseBody();
    }
}
