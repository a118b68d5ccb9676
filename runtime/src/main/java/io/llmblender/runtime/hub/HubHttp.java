package io.llmblender.runtime.hub;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;

/**
 * How {@link HubClient} speaks HTTP: every request carries the read timeout for its headers, the token goes only
 * to the endpoint's own scheme, host and port, and redirects are followed here, hop by hop (at most
 * {@code maxRedirects}, http and https only), so the CDN the hub redirects to never sees the token. Bodies are
 * read through {@link IdleTimeoutBody}, so a server that stalls mid-body fails the read.
 *
 * <p>Thread-safe: immutable, over a thread-safe {@link HttpClient}.
 */
final class HubHttp {
    private final URI endpoint;
    private final String token;
    private final Duration readTimeout;
    private final int maxRedirects;
    private final HttpClient http;

    /**
     * @param endpoint the hub's base URI, without a trailing slash
     * @param token the bearer token for {@code endpoint}'s origin, or null
     * @param readTimeout how long any wait for data may last
     * @param maxRedirects how many redirects one GET follows
     */
    HubHttp(URI endpoint, String token, Duration readTimeout, int maxRedirects) {
        this.endpoint = endpoint;
        this.token = token;
        this.readTimeout = readTimeout;
        this.maxRedirects = maxRedirects;
        // redirects are followed by get(), which decides per hop whether the token goes along
        this.http = HttpClient.newBuilder()
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(20))
                .build();
    }

    /** A HEAD of {@code url}, not followed: the hub answers an LFS file with a redirect whose own headers count. */
    HttpResponse<Void> head(URI url) throws IOException, InterruptedException {
        return http.send(
                request(url).method("HEAD", HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.discarding());
    }

    /**
     * GETs {@code url} (from byte {@code from}), following redirects itself: the token goes only to hops on the
     * endpoint's own scheme, host and port ({@link #request}), so the CDN the hub redirects to never sees it.
     */
    HttpResponse<InputStream> get(URI url, long from) throws IOException, InterruptedException {
        URI at = url;
        for (int hop = 0; ; hop++) {
            HttpRequest.Builder get = request(at).GET();
            if (from > 0) {
                get.header("Range", "bytes=" + from + "-");
            }
            HttpResponse<InputStream> r = http.send(get.build(), info -> new IdleTimeoutBody(readTimeout));
            int status = r.statusCode();
            if (status != 301 && status != 302 && status != 303 && status != 307 && status != 308) {
                return r;
            }
            r.body().close();
            Optional<String> location = r.headers().firstValue("Location");
            if (location.isEmpty() || hop == maxRedirects) {
                throw new HubException(at + " answered HTTP " + status
                        + (location.isEmpty()
                                ? " without a Location"
                                : " after " + maxRedirects + " redirects from " + url)
                        + "; is HF_ENDPOINT a Hugging Face hub?");
            }
            URI next;
            try {
                next = at.resolve(location.get()); // a relative Location is relative to the URL that sent it
            } catch (IllegalArgumentException e) {
                throw new HubException(
                        at + " redirected to " + HubClient.shown(location.get()) + ", which is not a URL", e);
            }
            if (!"https".equalsIgnoreCase(next.getScheme()) && !"http".equalsIgnoreCase(next.getScheme())) {
                throw new HubException(at + " redirected to " + HubClient.shown(location.get())
                        + "; only http and https are" + " followed");
            }
            at = next;
        }
    }

    /** A request with the read timeout for its headers, and the token if {@code url} is on the endpoint. */
    private HttpRequest.Builder request(URI url) {
        HttpRequest.Builder b =
                HttpRequest.newBuilder(url).timeout(readTimeout).header("User-Agent", "llm-blender-jvm");
        if (token != null && !token.isBlank() && sameOrigin(url, endpoint)) {
            b.header("Authorization", "Bearer " + token);
        }
        return b;
    }

    /** Same scheme, host and port (a missing port is the scheme's default), as browsers define an origin. */
    static boolean sameOrigin(URI a, URI b) {
        return a.getScheme() != null
                && a.getScheme().equalsIgnoreCase(b.getScheme())
                && a.getHost() != null
                && a.getHost().equalsIgnoreCase(b.getHost())
                && port(a) == port(b);
    }

    private static int port(URI u) {
        if (u.getPort() >= 0) {
            return u.getPort();
        }
        return "https".equalsIgnoreCase(u.getScheme()) ? 443 : 80;
    }
}
