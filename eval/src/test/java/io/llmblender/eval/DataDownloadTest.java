package io.llmblender.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.llmblender.eval.data.DataDirectory;
import io.llmblender.runtime.ConfigException;
import io.llmblender.runtime.hub.HubCache;
import io.llmblender.runtime.hub.HubClient;
import io.llmblender.runtime.hub.HubException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Missing benchmark files download once, verified by their git blob hash, from a loopback server. */
class DataDownloadTest {
    @Test
    void a_dataset_file_downloads_verified_and_a_corrupt_one_is_refused(@TempDir Path tmp) throws Exception {
        byte[] good = "{\"prompt\": \"q\"}\n".getBytes(StandardCharsets.UTF_8);
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", ex -> {
            byte[] body = ex.getRequestURI().getPath().contains("corrupt")
                    ? "tampered\n".getBytes(StandardCharsets.UTF_8)
                    : good;
            ex.sendResponseHeaders(200, body.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
        try {
            String base = "http://127.0.0.1:" + server.getAddress().getPort();
            HubClient client = new HubClient(
                    URI.create(base), new HubCache(tmp.resolve("hub")), false, null, HubClient.Progress.NONE);
            Path target = tmp.resolve("data/x/file.jsonl");
            assertThat(client.downloadUrl(URI.create(base + "/file.jsonl"), target, gitBlob(good)))
                    .hasBinaryContent(good);
            assertThatThrownBy(() -> client.downloadUrl(
                            URI.create(base + "/corrupt.jsonl"), tmp.resolve("data/y.jsonl"), gitBlob(good)))
                    .isInstanceOf(HubException.class)
                    .hasMessageContaining("checksum mismatch");
            assertThat(tmp.resolve("data/y.jsonl")).doesNotExist();
        } finally {
            server.stop(0);
        }
        // without a downloader, a missing file names its public source
        assertThatThrownBy(() ->
                        new DataDirectory(tmp.resolve("nothing")).require("autoj_pairwise/testdata_pairwise.jsonl"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("raw.githubusercontent.com/GAIR-NLP/auto-j");
    }

    static String gitBlob(byte[] b) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-1");
        md.update(("blob " + b.length + "\0").getBytes(StandardCharsets.US_ASCII));
        return HexFormat.of().formatHex(md.digest(b));
    }
}
