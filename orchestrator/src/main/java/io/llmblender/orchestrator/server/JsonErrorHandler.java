package io.llmblender.orchestrator.server;

import java.nio.ByteBuffer;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Jetty's own error responses (a malformed request line, headers too large, a failure outside any endpoint) in
 * OpenAI's JSON error shape instead of Jetty's HTML page, without stack traces or class names.
 */
final class JsonErrorHandler extends ErrorHandler {
    /**
     * Errors found while parsing, before any handler runs. Jetty 12.1 marks this hook for removal, but it is still
     * the only one that sees a malformed request line; the hardening tests fail if a Jetty upgrade drops it.
     */
    @SuppressWarnings("removal")
    @Override
    public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
        fields.put(HttpHeader.CONTENT_TYPE, Json.CONTENT_TYPE);
        return ByteBuffer.wrap(Json.bytes(error(status, reason).body()));
    }

    @Override
    protected void generateResponse(
            Request request, Response response, int status, String message, Throwable cause, Callback callback) {
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, Json.CONTENT_TYPE);
        response.write(true, ByteBuffer.wrap(Json.bytes(error(status, message).body())), callback);
    }

    static ApiError error(int status, String reason) {
        String what = reason == null || reason.isBlank() ? HttpStatus.getMessage(status) : reason;
        return status >= 500
                ? new ApiError(status, "server_error", null, "the server failed: " + what)
                : new ApiError(status, "invalid_request_error", null, "the request could not be read as HTTP: " + what);
    }
}
