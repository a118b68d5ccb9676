package io.llmblender.runtime.hub;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
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
 * <p>Thread-safe for different files; do not download the same file from two threads at once.
 */
public final class HubClient {
    /** Told the bytes done and the total (-1 if unknown) of the current file. */
    @FunctionalInterface
    public interface Progress {
        Progress NONE = (file, done, total) -> {};

        void update(String file, long done, long total);
    }

    private static final int MAX_ATTEMPTS = 3;

    private final URI endpoint;
    private final HubCache cache;
    private final boolean offline;
    private final String token;
    private final HttpClient http;
    private final Progress progress;

    public HubClient(URI endpoint, HubCache cache, boolean offline, String token, Progress progress) {
        this.endpoint = URI.create(endpoint.toString().replaceAll("/+$", ""));
        this.cache = cache;
        this.offline = offline;
        this.token = token;
        this.progress = progress;
        this.http = HttpClient.newBuilder()
                .followRedirects(HttpClient.Redirect.NORMAL)
                .connectTimeout(Duration.ofSeconds(20))
                .build();
    }

    /**
     * The client the environment asks for: {@code HF_ENDPOINT} (default https://huggingface.co),
     * {@code HF_HUB_OFFLINE}, {@code HF_TOKEN}, and the cache of {@link HubCache#fromEnvironment}.
     */
    public static HubClient fromEnvironment(java.util.Map<String, String> env, Progress progress) {
        String offline = env.getOrDefault("HF_HUB_OFFLINE", "0").toLowerCase(Locale.ROOT);
        return new HubClient(
                URI.create(env.getOrDefault("HF_ENDPOINT", "https://huggingface.co")),
                HubCache.fromEnvironment(env),
                offline.equals("1") || offline.equals("true") || offline.equals("yes"),
                env.get("HF_TOKEN"),
                progress);
    }

    /**
     * Makes {@code files} of {@code repoId} at {@code revision} available locally and returns the snapshot
     * folder that holds them (as {@code snapshots/<commit>}).
     */
    public Path snapshot(String repoId, String revision, List<String> files) {
        Path folder = null;
        for (String file : files) {
            folder = download(repoId, revision, file).getParent();
        }
        return folder;
    }

    /** One file, from the cache or downloaded into it; returns its path in the snapshot folder. */
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
            Path blob = cache.blob(repoId, meta.etag());
            if (!Files.isRegularFile(blob)) {
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

    /** The cached copy of a file for the commit the revision last resolved to. */
    public Optional<Path> cached(String repoId, String revision, String filename) {
        return cache.commitOf(repoId, revision)
                .map(commit -> cache.snapshot(repoId, commit).resolve(filename))
                .filter(Files::isRegularFile);
    }

    private record Metadata(String commit, String etag, long size) {}

    private Metadata head(URI url, String repoId, String filename) throws IOException, InterruptedException {
        HttpClient noRedirects = HttpClient.newBuilder()
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(20))
                .build();
        HttpResponse<Void> r = noRedirects.send(
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
        String commit = r.headers()
                .firstValue("X-Repo-Commit")
                .orElseThrow(() -> new HubException(
                        "the hub sent no X-Repo-Commit for " + url + "; is HF_ENDPOINT a Hugging Face hub?"));
        long size = r.headers()
                .firstValue("X-Linked-Size")
                .or(() -> r.headers().firstValue("Content-Length"))
                .map(Long::parseLong)
                .orElse(-1L);
        return new Metadata(commit, etag, size);
    }

    private void fetch(URI url, Metadata meta, Path blob, String filename) throws IOException, InterruptedException {
        Files.createDirectories(blob.getParent());
        Path partial = blob.resolveSibling(meta.etag() + ".incomplete");
        IOException last = null;
        for (int attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
            long have = Files.isRegularFile(partial) ? Files.size(partial) : 0;
            if (meta.size() >= 0 && have > meta.size()) {
                Files.delete(partial);
                have = 0;
            }
            if (meta.size() < 0 || have < meta.size()) {
                try {
                    transfer(url, partial, have, meta.size(), filename);
                } catch (IOException e) {
                    last = e; // a dropped connection: resume from what arrived
                    continue;
                }
            }
            verify(partial, meta, url);
            Files.move(partial, blob, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            return;
        }
        throw new HubException(
                "download of " + url + " failed " + MAX_ATTEMPTS + " times; the partial file " + partial
                        + " is kept and the next attempt resumes it",
                last);
    }

    private void transfer(URI url, Path partial, long from, long total, String filename)
            throws IOException, InterruptedException {
        HttpRequest.Builder get = request(url).GET();
        if (from > 0) {
            get.header("Range", "bytes=" + from + "-");
        }
        HttpResponse<InputStream> r = http.send(get.build(), HttpResponse.BodyHandlers.ofInputStream());
        int status = r.statusCode();
        boolean append = from > 0 && status == 206;
        if (status != 200 && status != 206) {
            r.body().close();
            throw new HubException("the hub answered HTTP " + status + " while downloading " + url);
        }
        long done = append ? from : 0;
        try (InputStream in = r.body();
                OutputStream out = Files.newOutputStream(
                        partial,
                        StandardOpenOption.CREATE,
                        StandardOpenOption.WRITE,
                        append ? StandardOpenOption.APPEND : StandardOpenOption.TRUNCATE_EXISTING)) {
            byte[] buffer = new byte[1 << 16];
            int n;
            while ((n = in.read(buffer)) >= 0) {
                out.write(buffer, 0, n);
                done += n;
                progress.update(filename, done, total);
            }
        }
        if (total >= 0 && done < total) {
            throw new IOException("connection closed after " + done + " of " + total + " bytes");
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

    private HttpRequest.Builder request(URI url) {
        HttpRequest.Builder b =
                HttpRequest.newBuilder(url).timeout(Duration.ofMinutes(30)).header("User-Agent", "llm-blender-jvm");
        if (token != null && !token.isBlank()) {
            b.header("Authorization", "Bearer " + token);
        }
        return b;
    }
}
