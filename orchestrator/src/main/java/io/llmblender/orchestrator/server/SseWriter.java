package io.llmblender.orchestrator.server;

import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Server-sent events as OpenAI streams them: each event one {@code data: <json>} line and a blank line, flushed
 * at once so the client sees every piece as it is made, and {@code data: [DONE]} at the end. Not thread-safe.
 */
final class SseWriter implements Closeable {
    static final String CONTENT_TYPE = "text/event-stream";

    private final OutputStream out;

    SseWriter(OutputStream out) {
        this.out = out;
    }

    /** One event holding {@code value} as JSON. */
    void event(Object value) throws IOException {
        data(new String(Json.bytes(value), StandardCharsets.UTF_8));
    }

    /** The end of the stream, as OpenAI marks it. */
    void done() throws IOException {
        data("[DONE]");
    }

    private void data(String payload) throws IOException {
        out.write(("data: " + payload + "\n\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    @Override
    public void close() throws IOException {
        out.close();
    }
}
