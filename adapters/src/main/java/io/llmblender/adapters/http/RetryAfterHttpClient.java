package io.llmblender.adapters.http;

import dev.langchain4j.exception.HttpException;
import dev.langchain4j.http.client.HttpClient;
import dev.langchain4j.http.client.HttpClientBuilder;
import dev.langchain4j.http.client.HttpRequest;
import dev.langchain4j.http.client.SuccessfulHttpResponse;
import dev.langchain4j.http.client.jdk.JdkHttpClient;
import dev.langchain4j.http.client.sse.ServerSentEventListener;
import dev.langchain4j.http.client.sse.ServerSentEventParser;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * langchain4j's HTTP client, on the JDK's, keeping one thing langchain4j's own drops: the {@code Retry-After}
 * of an error response (429 or 503), carried in a {@link RetryAfterException} so the member's retry waits as
 * long as the server asked. HTTP/1.1 only (some local servers mishandle the h2c upgrade). Streaming requests go
 * through langchain4j's JDK client unchanged. Thread-safe.
 */
public final class RetryAfterHttpClient implements HttpClient {
    private final java.net.http.HttpClient http;
    private final Duration readTimeout;
    private final JdkHttpClient streaming;

    private RetryAfterHttpClient(Builder b) {
        this.http = java.net.http.HttpClient.newBuilder()
                .version(java.net.http.HttpClient.Version.HTTP_1_1)
                .connectTimeout(b.connectTimeout)
                .build();
        this.readTimeout = b.readTimeout;
        this.streaming = JdkHttpClient.builder()
                .httpClientBuilder(
                        java.net.http.HttpClient.newBuilder().version(java.net.http.HttpClient.Version.HTTP_1_1))
                .connectTimeout(b.connectTimeout)
                .readTimeout(b.readTimeout)
                .build();
    }

    /**
     * A builder for this client, as langchain4j's provider builders take one ({@code httpClientBuilder(...)}).
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public SuccessfulHttpResponse execute(HttpRequest request) throws HttpException {
        java.net.http.HttpRequest.Builder b = java.net.http.HttpRequest.newBuilder(URI.create(request.url()))
                .timeout(readTimeout)
                .method(
                        request.method().name(),
                        request.body() == null
                                ? java.net.http.HttpRequest.BodyPublishers.noBody()
                                : java.net.http.HttpRequest.BodyPublishers.ofString(request.body()));
        request.headers().forEach((k, vs) -> vs.forEach(v -> b.header(k, v)));
        HttpResponse<byte[]> r;
        try {
            r = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new RuntimeException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RuntimeException(e);
        }
        String body = new String(r.body(), StandardCharsets.UTF_8);
        if (r.statusCode() < 200 || r.statusCode() >= 300) {
            Duration after = r.headers()
                    .firstValue("Retry-After")
                    .flatMap(RetryAfterHttpClient::seconds)
                    .orElse(null);
            throw after == null
                    ? new HttpException(r.statusCode(), body)
                    : new RetryAfterException(r.statusCode(), body, after);
        }
        Map<String, List<String>> headers = r.headers().map();
        return SuccessfulHttpResponse.builder()
                .statusCode(r.statusCode())
                .headers(headers)
                .body(r.body())
                .build();
    }

    @Override
    public void execute(HttpRequest request, ServerSentEventParser parser, ServerSentEventListener listener) {
        streaming.execute(request, parser, listener);
    }

    private static java.util.Optional<Duration> seconds(String value) {
        try {
            long s = Long.parseLong(value.strip());
            return s < 0 ? java.util.Optional.empty() : java.util.Optional.of(Duration.ofSeconds(s));
        } catch (NumberFormatException e) {
            return java.util.Optional.empty(); // an HTTP date: fall back to the exponential backoff
        }
    }

    /** Builds the client; timeouts as langchain4j's builders set them. */
    public static final class Builder implements HttpClientBuilder {
        private Duration connectTimeout = Duration.ofSeconds(10);
        private Duration readTimeout = Duration.ofSeconds(60);

        @Override
        public Duration connectTimeout() {
            return connectTimeout;
        }

        @Override
        public Builder connectTimeout(Duration timeout) {
            if (timeout != null) {
                this.connectTimeout = timeout;
            }
            return this;
        }

        @Override
        public Duration readTimeout() {
            return readTimeout;
        }

        @Override
        public Builder readTimeout(Duration timeout) {
            if (timeout != null) {
                this.readTimeout = timeout;
            }
            return this;
        }

        @Override
        public RetryAfterHttpClient build() {
            return new RetryAfterHttpClient(this);
        }
    }
}
