package io.llmblender.runtime.hub;

import java.net.URI;
import java.net.http.HttpResponse;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What the hub's HEAD answer says about one file, checked before any of it names a folder or a file in the cache:
 * the commit ({@code X-Repo-Commit}, 40 lowercase hex digits), the identity ({@code X-Linked-Etag} for LFS files:
 * their sha256; else {@code ETag}: the git blob sha1; 40 or 64 lowercase hex digits) and the size
 * ({@code X-Linked-Size} or {@code Content-Length}), as huggingface_hub's {@code get_hf_file_metadata} reads them.
 *
 * @param commit the commit the revision resolved to; empty for a plain URL download
 * @param etag the file's digest (or, for a plain URL without one, its name: then only the size is checked)
 * @param size the announced size in bytes, or -1 if none was announced
 */
record HubFileMetadata(String commit, String etag, long size) {
    private static final Pattern ETAG = Pattern.compile("[0-9a-f]{40}|[0-9a-f]{64}");

    /**
     * The metadata of {@code repoId}'s {@code filename} from the HEAD response {@code r} for {@code url}.
     *
     * @throws HubException for an error status (with the fix: the id, the token) or a header that is missing or
     *     malformed
     */
    static HubFileMetadata of(HttpResponse<?> r, URI url, String repoId, String filename) {
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
            throw new HubException("the hub sent the etag " + HubClient.shown(etag) + " for " + url
                    + ", which is not a 40- or 64-digit lowercase hex digest; it would name a file in the cache, so it"
                    + " is refused. Is HF_ENDPOINT a Hugging Face hub?");
        }
        String commit = r.headers()
                .firstValue("X-Repo-Commit")
                .orElseThrow(() -> new HubException(
                        "the hub sent no X-Repo-Commit for " + url + "; is HF_ENDPOINT a Hugging Face hub?"));
        if (!HubCache.COMMIT.matcher(commit).matches()) {
            throw new HubException("the hub sent X-Repo-Commit " + HubClient.shown(commit) + " for " + url
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
                throw new HubException("the hub announced a size of " + HubClient.shown(announced.get()) + " for " + url
                        + "; is HF_ENDPOINT a Hugging Face hub?");
            }
        }
        return new HubFileMetadata(commit, etag, size);
    }
}
