package io.llmblender.orchestrator.server;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Map;

/**
 * One HTTP request and its response as the endpoints see them, whatever server carries them: the endpoints never
 * touch the HTTP library, so the transport can change without them. Not thread-safe; one per request.
 */
interface Exchange {
    String method();

    String path();

    /** The first value of a request header, or null. */
    String header(String name);

    /**
     * The whole request body.
     *
     * @throws ApiError 413 when it is longer than {@code maxBytes}
     */
    byte[] body(int maxBytes) throws IOException;

    /** Sends a complete response. */
    void respond(int status, Map<String, String> headers, String contentType, byte[] body) throws IOException;

    /** Starts a streamed response (server-sent events); the stream ends the response when closed. */
    OutputStream stream(int status, Map<String, String> headers, String contentType) throws IOException;

    /**
     * Marks a started stream as broken: closing it then drops the connection instead of ending the response, so a
     * client that skips an error event (langchain4j's OpenAI client does) still sees the response fail.
     */
    void abort();
}
