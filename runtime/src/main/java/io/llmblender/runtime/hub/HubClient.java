package io.llmblender.runtime.hub;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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
 * <p>The parts: {@link HubHttp} (timeouts, the token's origin, redirects), {@link HubFileMetadata} (the HEAD
 * answer, checked), {@link ResumableDownload} (resume, size limit, digest) and {@link HubCache} (paths).
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

    private final URI endpoint;
    private final HubCache cache;
    private final boolean offline;
    private final HubHttp http;
    private final ResumableDownload downloads;

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
     * A client with its own read timeout.
     *
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
        this.http = new HubHttp(this.endpoint, token, readTimeout, MAX_REDIRECTS);
        this.downloads = new ResumableDownload(http, progress);
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
            HubFileMetadata meta = HubFileMetadata.of(http.head(url), url, repoId, filename);
            Path blob = cache.writable(cache.blob(repoId, meta.etag()));
            if (!cache.has(blob)) {
                downloads.fetch(url, meta, blob, filename);
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
            downloads.fetch(
                    url,
                    new HubFileMetadata(
                            "", digest == null ? target.getFileName().toString() : digest, -1),
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

    /** An untrusted value for a message: at most 80 characters, control characters as '?'. */
    static String shown(String value) {
        String cut = value.length() > 80 ? value.substring(0, 80) + "..." : value;
        return "'" + cut.replaceAll("\\p{Cntrl}", "?") + "'";
    }
}
