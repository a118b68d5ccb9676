package io.llmblender.runtime.hub;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * The Hugging Face hub cache, in the hub's own layout, so models downloaded by Python tools are found here and
 * the other way round: {@code <root>/models--<org>--<name>/blobs/<etag>} holds each file once,
 * {@code snapshots/<commit>/<filename>} links to it, and {@code refs/<revision>} holds the commit a revision
 * resolved to. The root is {@code $HF_HUB_CACHE}, else {@code $HF_HOME/hub}, else
 * {@code ~/.cache/huggingface/hub}. Immutable; safe to share.
 */
public record HubCache(Path root) {

    /** The cache root from an environment map ({@code System.getenv()} in production). */
    public static HubCache fromEnvironment(Map<String, String> env) {
        if (env.get("HF_HUB_CACHE") != null) {
            return new HubCache(Path.of(env.get("HF_HUB_CACHE")));
        }
        if (env.get("HF_HOME") != null) {
            return new HubCache(Path.of(env.get("HF_HOME"), "hub"));
        }
        return new HubCache(Path.of(System.getProperty("user.home"), ".cache", "huggingface", "hub"));
    }

    public Path repo(String repoId) {
        return root.resolve("models--" + repoId.replace("/", "--"));
    }

    public Path blob(String repoId, String etag) {
        return repo(repoId).resolve("blobs").resolve(etag);
    }

    public Path snapshot(String repoId, String commit) {
        return repo(repoId).resolve("snapshots").resolve(commit);
    }

    /** The commit {@code revision} resolved to when it was last downloaded, if any. */
    public Optional<String> commitOf(String repoId, String revision) {
        Path ref = repo(repoId).resolve("refs").resolve(revision);
        try {
            return Files.isRegularFile(ref) ? Optional.of(Files.readString(ref).strip()) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    void writeRef(String repoId, String revision, String commit) throws IOException {
        Path ref = repo(repoId).resolve("refs").resolve(revision);
        Files.createDirectories(ref.getParent());
        Files.writeString(ref, commit);
    }

    /** Links {@code snapshots/<commit>/<filename>} to its blob (a relative symlink, or a copy where links fail). */
    void link(String repoId, String commit, String filename, Path blob) throws IOException {
        Path target = snapshot(repoId, commit).resolve(filename);
        Files.createDirectories(target.getParent());
        Files.deleteIfExists(target);
        try {
            Files.createSymbolicLink(target, target.getParent().relativize(blob));
        } catch (UnsupportedOperationException | IOException e) {
            Files.copy(blob, target);
        }
    }
}
