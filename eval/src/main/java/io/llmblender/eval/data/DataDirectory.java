package io.llmblender.eval.data;

import io.llmblender.runtime.ConfigException;
import io.llmblender.runtime.hub.HubClient;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;

/**
 * Where the benchmark data lives: a folder laid out like {@code shared/data} (one sub-folder per benchmark).
 * With a downloader, a missing file that has a public source is fetched once into the folder (resumed and
 * verified against its git blob hash); otherwise the error says where it was looked for and how to get it. A text
 * file may also be stored gzipped beside its name ({@code test.jsonl.gz} for {@code test.jsonl}, as HH-RLHF ships
 * it); {@link #lines} reads either.
 *
 * @param root the data folder, one sub-folder per benchmark
 * @param downloader null to never download
 */
public record DataDirectory(Path root, HubClient downloader) {
    /** Files with a verbatim public source: raw URL at a pinned commit, and the file's git blob sha1. */
    public static final Map<String, String[]> SOURCES = Map.of(
            "autoj_pairwise/testdata_pairwise.jsonl",
                    new String[] {
                        "https://raw.githubusercontent.com/GAIR-NLP/auto-j/2ae17a3965d933232e9cd50302aa0f176249c83b/data/test/testdata_pairwise.jsonl",
                        "7acc5fd8b4a85fdf26f85088c1d66482e29713b1"
                    },
            "alpaca_eval/alpaca_eval.jsonl",
                    new String[] {
                        "https://raw.githubusercontent.com/stanford-cs336/spring2024-assignment5-alignment/fcbfe2b3b72cb9e5536b93ba12265d04b8ca4cca/data/alpaca_eval/alpaca_eval.jsonl",
                        "00bdc61244a0aa82450c96097a88499d3373f608"
                    },
            "mt_bench/question.jsonl",
                    new String[] {
                        "https://raw.githubusercontent.com/lm-sys/FastChat/0e6d3e4beaab66f4d3f93db72541a4abab8af28d/fastchat/llm_judge/data/mt_bench/question.jsonl",
                        "464e2c22f7a021a0f9a584d232338a9a17c40066"
                    });

    /**
     * A folder that never downloads: a missing file is an error saying how to get it.
     *
     * @param root the data folder
     */
    public DataDirectory(Path root) {
        this(root, null);
    }

    /**
     * The file {@code relative} of a benchmark: present, or downloaded from its public source, or an error.
     *
     * @param relative the file's path under the folder, e.g. {@code mt_bench/question.jsonl}
     * @return the file's path
     */
    public Path require(String relative) {
        Path file = root.resolve(relative);
        if (Files.isRegularFile(file)) {
            return file;
        }
        String[] source = SOURCES.get(relative);
        if (source != null && downloader != null) {
            return downloader.downloadUrl(URI.create(source[0]), file, source[1]);
        }
        throw new ConfigException(
                file,
                null,
                "does not exist; point --data at a folder laid out like the project's"
                        + " shared/data (it holds " + relative + ")"
                        + (source == null
                                ? ", which also has the benchmark README naming the file's origin"
                                : ", or let it download once from " + source[0] + " (--download)"));
    }

    /**
     * Whether the file {@code relative} is present in the folder (no download is tried).
     *
     * @param relative the file's path under the folder
     * @return true if it is a regular file
     */
    public boolean has(String relative) {
        return Files.isRegularFile(root.resolve(relative));
    }

    /**
     * The lines of the text file {@code relative}: the file itself, else its gzipped copy {@code relative.gz},
     * else whatever {@link #require} finds (a download, or the error saying how to get it).
     *
     * @param relative the file's path under the folder
     * @return the file's lines
     */
    public List<String> lines(String relative) {
        Path gzipped = root.resolve(relative + ".gz");
        return readLines(!has(relative) && Files.isRegularFile(gzipped) ? gzipped : require(relative));
    }

    /**
     * The UTF-8 lines of {@code file}, decompressed first when its name ends in {@code .gz}.
     *
     * @param file a text file, or its gzipped copy
     * @return the file's lines
     */
    public static List<String> readLines(Path file) {
        try (InputStream raw = Files.newInputStream(file);
                InputStream in = file.getFileName().toString().endsWith(".gz") ? new GZIPInputStream(raw) : raw) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        } catch (IOException e) {
            throw new ConfigException(file, null, "cannot be read: " + e.getMessage(), e);
        }
    }
}
