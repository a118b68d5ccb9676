package io.llmblender.runtime.hub;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.OptionalLong;

/**
 * One file's body, fetched into {@code <blob>.incomplete} and given its name only once verified: an interrupted
 * transfer resumes with {@code Range} (up to {@value #MAX_ATTEMPTS} attempts), a body longer than its announced
 * size is cut off there and deleted, and the size and the digest the etag stands for (sha256, or git's blob sha1)
 * are checked before the move. {@link HubClient} decides what to fetch; {@link HubHttp} makes the requests.
 *
 * <p>Thread-safe for different files; do not fetch the same file from two threads at once.
 */
final class ResumableDownload {
    private static final int MAX_ATTEMPTS = 3;

    private final HubHttp http;
    private final HubClient.Progress progress;

    ResumableDownload(HubHttp http, HubClient.Progress progress) {
        this.http = http;
        this.progress = progress;
    }

    /** Fetches {@code url} into {@code blob}, resuming a partial file, and verifies it against {@code meta}. */
    void fetch(URI url, HubFileMetadata meta, Path blob, String filename) throws IOException, InterruptedException {
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
        HttpResponse<InputStream> r = http.get(url, from);
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

    /** Size, then the digest the etag stands for: sha256 for LFS files, git's blob sha1 for the others. */
    private static void verify(Path file, HubFileMetadata meta, URI url) throws IOException {
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
            actual = digest(file, "SHA-1", ("blob " + size + "\0").getBytes(StandardCharsets.US_ASCII));
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
}
