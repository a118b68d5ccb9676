package io.llmblender.runtime.hub;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The Hugging Face hub cache, in the hub's own layout, so models downloaded by Python tools are found here and
 * the other way round: {@code <root>/models--<org>--<name>/blobs/<etag>} holds each file once,
 * {@code snapshots/<commit>/<filename>} links to it, and {@code refs/<revision>} holds the commit a revision
 * resolved to. The root is {@code $HF_HUB_CACHE}, else {@code $HF_HOME/hub}, else
 * {@code ~/.cache/huggingface/hub}. Immutable; safe to share.
 *
 * <p>Nothing is read or written outside the root. Every path is checked to stay inside it, by name (so
 * {@code ..} in a commit, an etag, a revision or a file name is refused: each stays in its own folder) and,
 * before a write, by the real path
 * of each folder on the way (so a symbolic link planted in the cache cannot lead a write elsewhere). The root
 * itself may be a link: that is where the user chose to keep the cache.
 *
 * @param root the cache folder, e.g. {@code ~/.cache/huggingface/hub}
 */
public record HubCache(Path root) {
    /** A git commit hash, as the hub names snapshots. */
    static final Pattern COMMIT = Pattern.compile("[0-9a-f]{40}");

    /**
     * The cache root from an environment map ({@code System.getenv()} in production).
     *
     * @param env the environment; {@code HF_HUB_CACHE} and {@code HF_HOME} are read
     * @return the cache at {@code $HF_HUB_CACHE}, else {@code $HF_HOME/hub}, else {@code ~/.cache/huggingface/hub}
     */
    public static HubCache fromEnvironment(Map<String, String> env) {
        if (env.get("HF_HUB_CACHE") != null) {
            return new HubCache(Path.of(env.get("HF_HUB_CACHE")));
        }
        if (env.get("HF_HOME") != null) {
            return new HubCache(Path.of(env.get("HF_HOME"), "hub"));
        }
        return new HubCache(Path.of(System.getProperty("user.home"), ".cache", "huggingface", "hub"));
    }

    /**
     * The folder of one model repository, {@code models--<org>--<name>}.
     *
     * @param repoId the hub id, e.g. {@code llm-blender/PairRM}
     * @return the folder (it may not exist yet)
     * @throws HubException if the id would lead outside the cache root
     */
    public Path repo(String repoId) {
        return within(root, "models--" + repoId.replace("/", "--"));
    }

    /**
     * Where one file's content is stored once, named by its etag.
     *
     * @param repoId the hub id
     * @param etag the file's etag (a git blob hash or an LFS sha256)
     * @return the blob's path (it may not exist yet)
     * @throws HubException if the etag would lead outside the repository's {@code blobs} folder
     */
    public Path blob(String repoId, String etag) {
        return within(repo(repoId).resolve("blobs"), etag);
    }

    /**
     * The snapshot folder of one commit, holding links to the blobs by file name.
     *
     * @param repoId the hub id
     * @param commit the 40-hex commit hash
     * @return the folder (it may not exist yet)
     * @throws HubException if the commit would lead outside the repository's {@code snapshots} folder
     */
    public Path snapshot(String repoId, String commit) {
        return within(repo(repoId).resolve("snapshots"), commit);
    }

    /**
     * The commit {@code revision} resolved to when it was last downloaded, if any.
     *
     * @param repoId the hub id
     * @param revision a branch, tag or commit, e.g. {@code main}
     * @return the commit hash, or empty if the revision was never downloaded
     * @throws HubException if the ref file holds anything but a commit hash (it names a folder, so it is checked)
     */
    public Optional<String> commitOf(String repoId, String revision) {
        Path ref = within(repo(repoId).resolve("refs"), revision);
        if (!Files.isRegularFile(ref, LinkOption.NOFOLLOW_LINKS)) {
            return Optional.empty();
        }
        String commit;
        try {
            commit = Files.readString(ref).strip();
        } catch (IOException e) {
            return Optional.empty();
        }
        if (!COMMIT.matcher(commit).matches()) {
            throw new HubException(ref + " holds " + HubClient.shown(commit)
                    + ", not a 40-digit commit hash; the cache is corrupt or was tampered with, delete " + ref);
        }
        return Optional.of(commit);
    }

    /**
     * {@code snapshots/<commit>/<filename>} if it is there and, links followed, inside the cache.
     *
     * @throws HubException if it leads outside the cache
     */
    Optional<Path> file(String repoId, String commit, String filename) throws IOException {
        Path file = within(snapshot(repoId, commit), filename);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        if (!file.toRealPath().startsWith(root.toRealPath())) {
            throw new HubException(file + " leads to " + file.toRealPath() + ", outside the cache " + root
                    + "; the cache was tampered with, delete " + file);
        }
        return Optional.of(file);
    }

    /** Whether {@code blob} is downloaded; a blob is a regular file, so a link there is refused. */
    boolean has(Path blob) {
        if (Files.isSymbolicLink(blob)) {
            throw new HubException(blob + " is a symbolic link, but the cache keeps every blob as a regular file;"
                    + " the cache was tampered with, delete " + blob);
        }
        return Files.isRegularFile(blob, LinkOption.NOFOLLOW_LINKS);
    }

    void writeRef(String repoId, String revision, String commit) throws IOException {
        Path ref = writable(within(repo(repoId).resolve("refs"), revision));
        // a fresh file renamed over the old one: a link at the ref's name is replaced, never followed
        Path fresh = Files.createTempFile(ref.getParent(), ".ref", ".tmp");
        try {
            Files.writeString(fresh, commit, StandardCharsets.US_ASCII);
            Files.move(fresh, ref, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(fresh);
        }
    }

    /** Links {@code snapshots/<commit>/<filename>} to its blob (a relative symlink, or a copy where links fail). */
    void link(String repoId, String commit, String filename, Path blob) throws IOException {
        Path target = writable(within(snapshot(repoId, commit), filename));
        Files.deleteIfExists(target); // a link is deleted itself, not what it points to
        try {
            Files.createSymbolicLink(target, target.getParent().relativize(blob));
        } catch (UnsupportedOperationException | IOException e) {
            Files.copy(blob, target);
        }
    }

    /**
     * {@code name} resolved in {@code folder}, which it must not leave: normalised, the result lies below the
     * folder, so a commit stays in {@code snapshots/}, an etag in {@code blobs/}, a file in its snapshot.
     */
    Path within(Path folder, String name) {
        Path top = folder.toAbsolutePath().normalize();
        Path path = folder.resolve(name);
        Path normal = path.toAbsolutePath().normalize();
        if (!normal.startsWith(top) || normal.equals(top)) {
            throw new HubException("'" + name + "' would lead out of " + folder + " in the cache " + root
                    + "; a repository id, revision, commit, etag or file name must not climb out of its folder");
        }
        return path;
    }

    /**
     * Prepares a write of {@code path}: creates the folders above it one by one, checking that each existing one
     * is, links resolved, a folder inside the cache's real root, and that {@code path}, if it is a link, points
     * inside it too. Returns {@code path} under the real folder, so the write does not pass a link on the way.
     *
     * @throws HubException if a link leads outside the cache
     */
    Path writable(Path path) throws IOException {
        within(root, root.relativize(path).toString());
        Files.createDirectories(root);
        Path realRoot = root.toRealPath();
        Path relative = root.toAbsolutePath()
                .normalize()
                .relativize(path.toAbsolutePath().normalize());
        Path folder = realRoot;
        for (int i = 0; i < relative.getNameCount() - 1; i++) {
            Path next = folder.resolve(relative.getName(i));
            try {
                Files.createDirectory(next);
            } catch (FileAlreadyExistsException e) {
                next = next.toRealPath();
                if (!next.startsWith(realRoot) || !Files.isDirectory(next)) {
                    throw outside(folder.resolve(relative.getName(i)), next);
                }
            }
            folder = next;
        }
        Path target = folder.resolve(relative.getFileName());
        if (Files.isSymbolicLink(target)) {
            // where the link leads: through every link if it resolves, else by name (a dangling link is judged too)
            Path to = Files.exists(target)
                    ? target.toRealPath()
                    : target.resolveSibling(Files.readSymbolicLink(target)).normalize();
            if (!to.startsWith(realRoot)) {
                throw outside(target, to);
            }
        }
        return target;
    }

    private HubException outside(Path link, Path to) {
        return new HubException(link + " leads to " + to + ", outside the cache " + root
                + "; nothing is written through it. The cache was tampered with: delete " + link);
    }
}
