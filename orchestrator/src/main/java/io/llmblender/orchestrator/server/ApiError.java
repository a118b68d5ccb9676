package io.llmblender.orchestrator.server;

import java.util.Map;

/**
 * A request the server refuses, with the HTTP status, OpenAI's error shape ({@code type}, {@code code}) and any
 * response headers the refusal needs ({@code Retry-After}). Messages say what to change and never name internal
 * classes.
 */
final class ApiError extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final int status;
    final String type;
    final String code;
    final transient Map<String, String> headers;

    ApiError(int status, String type, String code, String message, Map<String, String> headers) {
        super(message, null, false, false); // a refusal is not a failure: no stack trace to fill or to leak
        this.status = status;
        this.type = type;
        this.code = code;
        this.headers = Map.copyOf(headers);
    }

    ApiError(int status, String type, String code, String message) {
        this(status, type, code, message, Map.of());
    }

    /** OpenAI's error body: {@code {"error": {"message", "type", "code"}}}. */
    record Body(Detail error) {
        record Detail(String message, String type, String code) {}
    }

    Body body() {
        return new Body(new Body.Detail(getMessage(), type, code));
    }

    static ApiError badRequest(String message) {
        return new ApiError(400, "invalid_request_error", null, message);
    }

    static ApiError tooLarge(int maxBytes) {
        return new ApiError(
                413,
                "invalid_request_error",
                "request_too_large",
                "the body is over the limit of " + maxBytes + " bytes");
    }

    static ApiError methodNotAllowed(String method, String allowed) {
        return new ApiError(
                405,
                "invalid_request_error",
                "method_not_allowed",
                "use " + allowed + ", not " + method,
                Map.of("Allow", allowed));
    }

    static ApiError notSupported(String message) {
        return new ApiError(501, "invalid_request_error", "not_supported", message);
    }
}
