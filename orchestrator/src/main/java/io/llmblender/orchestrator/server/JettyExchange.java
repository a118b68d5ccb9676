package io.llmblender.orchestrator.server;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.Map;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;

/**
 * An {@link Exchange} over Jetty's core request and response, with the body already read in full. {@code finishing}
 * runs just before the response's last write (after which the client may send its next request).
 */
final class JettyExchange implements Exchange {
    private final Request request;
    private final Response response;
    private final byte[] body;
    private final Runnable finishing;
    private volatile boolean aborted;

    JettyExchange(Request request, Response response, byte[] body, Runnable finishing) {
        this.request = request;
        this.response = response;
        this.body = body;
        this.finishing = finishing;
    }

    @Override
    public String method() {
        return request.getMethod();
    }

    @Override
    public String path() {
        return Request.getPathInContext(request);
    }

    @Override
    public String header(String name) {
        return request.getHeaders().get(name);
    }

    @Override
    public byte[] body(int maxBytes) {
        return body; // BodyReader enforced the limit while reading
    }

    @Override
    public void respond(int status, Map<String, String> headers, String contentType, byte[] bytes) throws IOException {
        head(status, headers, contentType);
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, bytes.length);
        finishing.run();
        Content.Sink.write(response, true, ByteBuffer.wrap(bytes));
    }

    @Override
    public OutputStream stream(int status, Map<String, String> headers, String contentType) {
        head(status, headers, contentType);
        OutputStream out = Content.Sink.asOutputStream(response);
        return new FilterOutputStream(out) {
            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                out.write(b, off, len);
            }

            @Override
            public void close() throws IOException {
                finishing.run();
                if (aborted) {
                    // What was written reaches the client, then a plain end of stream (FIN) where the chunked
                    // body's end should be: the client reads every event, then sees a truncated response.
                    // Dropping the connection at once instead may send a reset, and a reset makes the client's
                    // TCP stack discard what it received but had not read yet: the last chunks, the error event.
                    out.flush();
                    request.getConnectionMetaData()
                            .getConnection()
                            .getEndPoint()
                            .shutdownOutput();
                } else {
                    out.close();
                }
            }
        };
    }

    @Override
    public void abort() {
        aborted = true;
    }

    /** Whether the response must end by dropping the connection (see {@link Exchange#abort()}). */
    boolean aborted() {
        return aborted;
    }

    private void head(int status, Map<String, String> headers, String contentType) {
        response.setStatus(status);
        headers.forEach(response.getHeaders()::put);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, contentType);
    }
}
