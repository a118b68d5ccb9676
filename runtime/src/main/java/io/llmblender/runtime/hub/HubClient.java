package io.llmblender.runtime.hub;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.regex.Pattern;

/**
 * Downloads model files from a Hugging Face hub into the {@link HubCache}, once: the only code in the project
 * that downloads.
 *
 * <p>For each file it asks {@code <endpoint>/<repo>/resolve/<revision>/<file>} with a HEAD request, without
 * following the redirect, and reads the commit ({@code X-Repo-Commit}), the identity ({@code X-Linked-Etag}
 * for LFS files: their sha256; else {@code ETag}: the git blob sha1) and the size ({@code X-Linked-Size} or
 * {@code Content-Length}). A file already in the cache under that etag is not fetched again. Otherwise it
 * streams into {@code blobs/<etag>.incomplete}, resuming an interrupted transfer with {@code Range}, and
 * checks size and digest before the blob takes its name; a mismatch deletes the partial file and fails.
 *
 * <p>Offline ({@code HF_HUB_OFFLINE=1}), nothing touches the network: files come from the snapshot the cache
 * recorded for the revision, and a missing one is an error naming the file and how to get it.
 *
 * <p>The hub, a mirror or anything between is not trusted:
 * <ul>
 *   <li>the commit must be 40 lowercase hex digits and the etag 40 or 64 (a git blob sha1 or a sha256) before
 *       either names a folder or a file, and every path stays inside the cache ({@link HubCache});
 *   <li>redirects are followed here, at most {@value #MAX_REDIRECTS} hops, and the token goes only to the
 *       endpoint's own scheme, host and port, never to the CDN or any other host a redirect names;
 *   <li>a body longer than its announced size is cut off there and the file deleted;
 *   <li>every wait for data (response headers, each read of a body) is bounded by the read timeout, so a stalled
 *       server fails the attempt instead of hanging it.
 * </ul>
 *
 * <p>Thread-safe for different files; do not download the same file from two threads at once.
 */
public final class HubClient {
    /** Told the bytes done and the total (-1 if unknown) of the current file. */
    @FunctionalInterface
    public interface Progress {
        /** Reports nothing. */
        Progress NONE = (file, done, total) -> {};

        /**
         * Called as a download proceeds, from the downloading thread.
         *
         * @param file the file being downloaded
         * @param done bytes received so far
         * @param total the file's size in bytes, or -1 if the server did not say
         */
        void update(String file, long done, long total);
    }

    /** How long any read may wait for data: huggingface_hub's default for {@code HF_HUB_DOWNLOAD_TIMEOUT}. */
    public static final Duration DEFAULT_READ_TIMEOUT = Duration.ofSeconds(10);

    /** Redirects followed from one URL: the hub needs one (to its CDN), two for a renamed repository. */
    static final int MAX_REDIRECTS = 5;

    private static final int MAX_ATTEMPTS = 3;
    private static final Pattern ETAG = Pattern.compile("[0-9a-f]{40}|[0-9a-f]{64}");

    private final URI endpoint;
    private final HubCache cache;
    private final boolean offline;
    private final String token;
    private final HttpClient http;
    private final Progress progress;
    private final Duration readTimeout;

    /**
     * A client with the {@link #DEFAULT_READ_TIMEOUT}.
     *
     * @param endpoint the hub's base URI, e.g. {@code https://huggingface.co}
     * @param cache where files are kept
     * @param offline true to use the cache only and never connect ({@code HF_HUB_OFFLINE})
     * @param token sent as {@code Authorization: Bearer} to {@code endpoint}'s scheme, host and port only; may be null
     * @param progress told of each download's bytes; {@link Progress#NONE} for silence
     */
    public HubClient(URI endpoint, HubCache cache, boolean offline, String token, Progress progress) {
        this(endpoint, cache, offline, token, progress, DEFAULT_READ_TIMEOUT);
    }

    /**
     * @param endpoint the hub's base URI, e.g. {@code https://huggingface.co}
     * @param cache where files are kept
     * @param offline true to use the cache only and never connect ({@code HF_HUB_OFFLINE})
     * @param token sent as {@code Authorization: Bearer} to {@code endpoint}'s scheme, host and port only; may be
     *     null
     * @param progress told of each download's bytes; {@link Progress#NONE} for silence
     * @param readTimeout how long any wait for data may last: for the response headers, and for each read of a
     *     body (the connection timeout is 20 s)
     */
    public HubClient(
            URI endpoint, HubCache cache, boolean offline, String token, Progress progress, Duration readTimeout) {
        if (readTimeout.isNegative() || readTimeout.isZero()) {
            throw new IllegalArgumentException("readTimeout is " + readTimeout + "; give a positive duration");
        }
        this.endpoint = URI.create(endpoint.toString().replaceAll("/+$", ""));
        this.cache = cache;
        this.offline = offline;
        this.token = token;
        this.progress = progress;
        this.readTimeout = readTimeout;
        // redirects are followed by get(), which decides per hop whether the token goes along
        this.http = HttpClient.newBuilder()
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(20))
                .build();
    }

    /**
     * The client the environment asks for: {@code HF_ENDPOINT} (default https://huggingface.co),
     * {@code HF_HUB_OFFLINE}, {@code HF_TOKEN}, {@code HF_HUB_DOWNLOAD_TIMEOUT} (seconds, default 10), and the
     * cache of {@link HubCache#fromEnvironment}.
     *
     * @param env the environment ({@code System.getenv()} in production)
     * @param progress told of each download's bytes
     * @return the configured client
     */
    public static HubClient fromEnvironment(java.util.Map<String, String> env, Progress progress) {
        String offline = env.getOrDefault("HF_HUB_OFFLINE", "0").toLowerCase(Locale.ROOT);
        return new HubClient(
                URI.create(env.getOrDefault("HF_ENDPOINT", "https://huggingface.co")),
                HubCache.fromEnvironment(env),
                offline.equals("1") || offline.equals("true") || offline.equals("yes"),
                env.get("HF_TOKEN"),
                progress,
                seconds(env, "HF_HUB_DOWNLOAD_TIMEOUT", DEFAULT_READ_TIMEOUT));
    }

    private static Duration seconds(java.util.Map<String, String> env, String name, Duration fallback) {
        String value = env.get(name);
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            double seconds = Double.parseDouble(value.strip());
            if (seconds > 0 && seconds < 1e9) {
                return Duration.ofMillis(Math.max(1, Math.round(seconds * 1000)));
            }
        } catch (NumberFormatException e) {
            // reported below, with the fix
        }
        throw new HubException(name + " is '" + value + "'; set it to a positive number of seconds, or unset it"
                + " for the default of " + fallback.toSeconds());
    }

    /**
     * Makes {@code files} of {@code repoId} at {@code revision} available locally and returns the snapshot
     * folder that holds them (as {@code snapshots/<commit>}).
     *
     * @param repoId the hub id, e.g. {@code llm-blender/PairRM-hf}
     * @param revision a branch, tag or commit, e.g. {@code main}
     * @param files the file names within the repository, e.g. {@code config.json}
     * @return the snapshot folder, {@code <cache>/models--<org>--<name>/snapshots/<commit>}
     * @throws HubException if a file is missing, unreachable, offline and not cached, or corrupt
     */
    public Path snapshot(String repoId, String revision, List<String> files) {
        Path folder = null;
        for (String file : files) {
            folder = download(repoId, revision, file).getParent();
        }
        return folder;
    }

    /**
     * One file, from the cache or downloaded into it; returns its path in the snapshot folder.
     *
     * @param repoId the hub id
     * @param revision a branch, tag or commit
     * @param filename the file's name within the repository
     * @return the file's path, a link into the cache's blobs
     * @throws HubException if the file cannot be had
     */
    public Path download(String repoId, String revision, String filename) {
        if (offline) {
            return cached(repoId, revision, filename)
                    .orElseThrow(
                            () -> new HubException(
                                    repoId + "/" + filename
                                            + " is not in the cache " + cache.root()
                                            + " and HF_HUB_OFFLINE is set, so nothing is downloaded;"
                                            + " download it on a machine with network (unset HF_HUB_OFFLINE) or copy the model folder there"));
        }
        URI url = URI.create(endpoint + "/" + repoId + "/resolve/" + revision + "/" + filename);
        try {
            Metadata meta = head(url, repoId, filename);
            Path blob = cache.writable(cache.blob(repoId, meta.etag()));
            if (!cache.has(blob)) {
                fetch(url, meta, blob, filename);
            }
            cache.writeRef(repoId, revision, meta.commit());
            cache.link(repoId, meta.commit(), filename, blob);
            return cache.snapshot(repoId, meta.commit()).resolve(filename);
        } catch (IOException e) {
            throw new HubException(
                    "cannot download " + url + ": "
                            + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage())
                            + "; check the network, or set HF_HUB_OFFLINE=1 to use the cache only",
                    e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HubException("download of " + url + " was interrupted", e);
        }
    }

    /**
     * Downloads any public file (a dataset's raw URL) to {@code target}, with the same resume and verification as
     * model files: {@code digest} is the file's git blob sha1 (40 hex) or sha256 (64 hex), or null to check the
     * size only. Offline mode refuses, naming the file and its source.
     *
     * @param url the file's address (https)
     * @param target where the file goes; its folder is created
     * @param digest the expected git blob sha1 or sha256 in hex, or null to check the size only
     * @return {@code target}, verified
     * @throws HubException if the download fails or the digest does not match
     */
    public Path downloadUrl(URI url, Path target, String digest) {
        if (offline) {
            throw new HubException(target + " is missing and HF_HUB_OFFLINE is set, so it is not downloaded; fetch it"
                    + " from " + url + " on a machine with network");
        }
        try {
            Files.createDirectories(target.toAbsolutePath().getParent());
            fetch(
                    url,
                    new Metadata("", digest == null ? target.getFileName().toString() : digest, -1),
                    target,
                    target.getFileName().toString());
            return target;
        } catch (IOException e) {
            throw new HubException(
                    "cannot download " + url + ": "
                            + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()),
                    e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HubException("download of " + url + " was interrupted", e);
        }
    }

    /**
     * The cached copy of a file for the commit the revision last resolved to.
     *
     * @param repoId the hub id
     * @param revision a branch, tag or commit
     * @param filename the file's name within the repository
     * @return the cached file, or empty if it was never downloaded for that revision
     */
    public Optional<Path> cached(String repoId, String revision, String filename) {
        Optional<String> commit = cache.commitOf(repoId, revision);
        if (commit.isEmpty()) {
            return Optional.empty();
        }
        try {
            return cache.file(repoId, commit.get(), filename);
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private record Metadata(String commit, String etag, long size) {}

    private Metadata head(URI url, String repoId, String filename) throws IOException, InterruptedException {
        // not followed: the hub answers an LFS file with a redirect whose own headers carry its etag and size
        HttpResponse<Void> r = http.send(
                request(url).method("HEAD", HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.discarding());
        int status = r.statusCode();
        if (status == 404) {
            throw new HubException(repoId + " has no file '" + filename + "' (HTTP 404 from " + url
                    + "); check the repository id and the file name");
        }
        if (status == 401 || status == 403) {
            throw new HubException(repoId + "/" + filename + " needs authorisation (HTTP " + status
                    + "); set HF_TOKEN to a token that can read it");
        }
        if (status >= 400) {
            throw new HubException("the hub answered HTTP " + status + " for " + url);
        }
        String etag = r.headers()
                .firstValue("X-Linked-Etag")
                .or(() -> r.headers().firstValue("ETag"))
                .map(e -> e.replace("W/", "").replace("\"", ""))
                .orElseThrow(() ->
                        new HubException("the hub sent no ETag for " + url + "; is HF_ENDPOINT a Hugging Face hub?"));
        if (!ETAG.matcher(etag).matches()) {
            throw new HubException("the hub sent the etag " + shown(etag) + " for " + url
                    + ", which is not a 40- or 64-digit lowercase hex digest; it would name a file in the cache, so it"
                    + " is refused. Is HF_ENDPOINT a Hugging Face hub?");
        }
        String commit = r.headers()
                .firstValue("X-Repo-Commit")
                .orElseThrow(() -> new HubException(
                        "the hub sent no X-Repo-Commit for " + url + "; is HF_ENDPOINT a Hugging Face hub?"));
        if (!HubCache.COMMIT.matcher(commit).matches()) {
            throw new HubException("the hub sent X-Repo-Commit " + shown(commit) + " for " + url
                    + ", which is not a 40-digit lowercase hex commit hash; it would name a folder in the cache, so it"
                    + " is refused. Is HF_ENDPOINT a Hugging Face hub?");
        }
        Optional<String> announced =
                r.headers().firstValue("X-Linked-Size").or(() -> r.headers().firstValue("Content-Length"));
        long size = -1;
        if (announced.isPresent()) {
            try {
                size = Long.parseLong(announced.get().strip());
            } catch (NumberFormatException e) {
                size = -1;
            }
            if (size < 0) {
                throw new HubException("the hub announced a size of " + shown(announced.get()) + " for " + url
                        + "; is HF_ENDPOINT a Hugging Face hub?");
            }
        }
        return new Metadata(commit, etag, size);
    }

    private void fetch(URI url, Metadata meta, Path blob, String filename) throws IOException, InterruptedException {
        Files.createDirectories(blob.getParent());
        Path partial = blob.resolveSibling(meta.etag() + ".incomplete");
        if (Files.isSymbolicLink(partial)) {
            throw new HubException(partial + " is a symbolic link, which a download never makes; nothing is written"
                    + " through it. The cache was tampered with: delete " + partial);
        }
        IOException last = null;
        for (int attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
            long have = Files.isRegularFile(partial, LinkOption.NOFOLLOW_LINKS) ? Files.size(partial) : 0;
            if (meta.size() >= 0 && have > meta.size()) {
                Files.delete(partial);
                have = 0;
            }
            if (meta.size() < 0 || have < meta.size()) {
                try {
                    transfer(url, partial, have, meta.size(), filename);
                } catch (IOException e) {
                    last = e; // a dropped connection or a stall: resume from what arrived
                    continue;
                }
            }
            verify(partial, meta, url);
            Files.move(partial, blob, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            return;
        }
        throw new HubException(
                "download of " + url + " failed " + MAX_ATTEMPTS + " times (last: " + last.getMessage()
                        + "); the partial file " + partial + " is kept and the next attempt resumes it",
                last);
    }

    /**
     * Appends the body of {@code url} (from byte {@code from}, if the server honours the range) to {@code partial},
     * never past {@code total} bytes, or past the response's own length if the total is unknown.
     */
    private void transfer(URI url, Path partial, long from, long total, String filename)
            throws IOException, InterruptedException {
        HttpResponse<InputStream> r = get(url, from);
        int status = r.statusCode();
        boolean append = from > 0 && status == 206;
        if (status != 200 && status != 206) {
            r.body().close();
            throw new HubException("the hub answered HTTP " + status + " while downloading " + url);
        }
        long done = append ? from : 0;
        OptionalLong length = r.headers().firstValueAsLong("Content-Length"); // the client checked its syntax
        long limit = total >= 0 ? total : length.isPresent() ? done + length.getAsLong() : -1;
        boolean tooLong = false;
        try (InputStream in = r.body();
                OutputStream out = Files.newOutputStream(
                        partial,
                        StandardOpenOption.CREATE,
                        StandardOpenOption.WRITE,
                        append ? StandardOpenOption.APPEND : StandardOpenOption.TRUNCATE_EXISTING,
                        LinkOption.NOFOLLOW_LINKS)) {
            byte[] buffer = new byte[1 << 16];
            while (true) {
                // at the limit, one byte more is asked for: if it comes, the body is too long
                int want = limit < 0 ? buffer.length : (int) Math.min(buffer.length, limit - done + 1);
                int n = in.read(buffer, 0, want);
                if (n < 0) {
                    break;
                }
                if (limit >= 0 && done + n > limit) {
                    tooLong = true;
                    break; // closing the body drops the connection: nothing more is read
                }
                out.write(buffer, 0, n);
                done += n;
                progress.update(filename, done, total);
            }
        }
        if (tooLong) {
            Files.deleteIfExists(partial);
            throw new HubException(url + " sent more than the " + limit + " bytes it announced; the download was cut"
                    + " off there and deleted. The hub or a proxy in between misbehaves: try again later, or another"
                    + " HF_ENDPOINT");
        }
        if (total >= 0 && done < total) {
            throw new IOException("connection closed after " + done + " of " + total + " bytes");
        }
    }

    /**
     * GETs {@code url} (from byte {@code from}), following redirects itself: the token goes only to hops on the
     * endpoint's own scheme, host and port ({@link #request}), so the CDN the hub redirects to never sees it.
     */
    private HttpResponse<InputStream> get(URI url, long from) throws IOException, InterruptedException {
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
            if (location.isEmpty() || hop == MAX_REDIRECTS) {
                throw new HubException(at + " answered HTTP " + status
                        + (location.isEmpty()
                                ? " without a Location"
                                : " after " + MAX_REDIRECTS + " redirects from " + url)
                        + "; is HF_ENDPOINT a Hugging Face hub?");
            }
            URI next;
            try {
                next = at.resolve(location.get()); // a relative Location is relative to the URL that sent it
            } catch (IllegalArgumentException e) {
                throw new HubException(at + " redirected to " + shown(location.get()) + ", which is not a URL", e);
            }
            if (!"https".equalsIgnoreCase(next.getScheme()) && !"http".equalsIgnoreCase(next.getScheme())) {
                throw new HubException(
                        at + " redirected to " + shown(location.get()) + "; only http and https are" + " followed");
            }
            at = next;
        }
    }

    /** Size, then the digest the etag stands for: sha256 for LFS files, git's blob sha1 for the others. */
    private static void verify(Path file, Metadata meta, URI url) throws IOException {
        long size = Files.size(file);
        if (meta.size() >= 0 && size != meta.size()) {
            Files.deleteIfExists(file);
            throw new HubException("downloaded " + size + " bytes of " + url + " but the hub announced " + meta.size()
                    + "; the partial file was deleted, try again");
        }
        String etag = meta.etag().toLowerCase(Locale.ROOT);
        String actual;
        if (etag.matches("[0-9a-f]{64}")) {
            actual = digest(file, "SHA-256", null);
        } else if (etag.matches("[0-9a-f]{40}")) {
            actual =
                    digest(file, "SHA-1", ("blob " + size + "\0").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        } else {
            return; // an etag that is no digest: the size check is all there is
        }
        if (!actual.equals(etag)) {
            Files.deleteIfExists(file);
            throw new HubException("checksum mismatch for " + url + ": expected " + etag + ", got " + actual
                    + "; the corrupt download was deleted, try again");
        }
    }

    private static String digest(Path file, String algorithm, byte[] prefix) throws IOException {
        try {
            MessageDigest md = MessageDigest.getInstance(algorithm);
            if (prefix != null) {
                md.update(prefix);
            }
            try (InputStream in = Files.newInputStream(file)) {
                byte[] buffer = new byte[1 << 16];
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    md.update(buffer, 0, n);
                }
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
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

    /** An untrusted value for a message: at most 80 characters, control characters as '?'. */
    static String shown(String value) {
        String cut = value.length() > 80 ? value.substring(0, 80) + "..." : value;
        return "'" + cut.replaceAll("\\p{Cntrl}", "?") + "'";
    }
}
