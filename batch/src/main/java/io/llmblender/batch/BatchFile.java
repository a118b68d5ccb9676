package io.llmblender.batch;

import io.llmblender.runtime.ProgressBar;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Runs a batch file: reads one record per line, skips ids the output already holds (an interrupted run resumes
 * where it stopped; a torn last line is redone), refuses bad lines and duplicate ids into
 * {@code OUT.errors.jsonl} as {@code {"line", "id", "reason"}}, and hands the rest to the job in chunks of about
 * {@code chunkPairRows} pair rows, appending and flushing each chunk's results before the next, so a kill loses
 * at most one chunk. The errors file is written anew by each run (refusals are recomputed; a fixed line is
 * ranked). Progress with ETA goes to {@code err}. Blank lines are not records and are not counted.
 */
public final class BatchFile {
    private BatchFile() {}

    /** What one kind of batch does with its records. */
    public interface Job<R> {
        /**
         * The record of one line; {@link RecordException} says why a line is none.
         *
         * @param line one line of the input, not blank
         * @return the record
         */
        R parse(String line);

        /**
         * The record's id, unique in the file: what resuming skips by.
         *
         * @param record a parsed record
         * @return the id
         */
        String id(R record);

        /**
         * Pair rows the record costs the model: what a chunk is sized by.
         *
         * @param record a parsed record
         * @return the pair rows it costs
         */
        int pairRows(R record);

        /**
         * One output JSON line per record, in order.
         *
         * @param chunk records to run together
         * @return one output JSON line per record, in order
         */
        List<String> run(List<R> chunk);
    }

    /**
     * A run's counts over the whole input: {@code read = ranked + refused}; {@code resumed} of ranked were done before.
     *
     * @param read records read (blank lines not counted)
     * @param ranked records with a result in the output, this run's and earlier runs'
     * @param refused records written to the errors file
     * @param resumed of {@code ranked}, those an earlier run had already written
     */
    public record Summary(long read, long ranked, long refused, long resumed) {
        /**
         * The last line on stderr.
         *
         * @return {@code read N, ranked N, refused N}
         */
        public String line() {
            return "read " + read + ", ranked " + ranked + ", refused " + refused;
        }
    }

    /**
     * {@code out.jsonl} → {@code out.errors.jsonl}; another name gets {@code .errors.jsonl} appended.
     *
     * @param output the results file
     * @return the errors file beside it
     */
    public static Path errorsFile(Path output) {
        String name = output.getFileName().toString();
        String stem = name.endsWith(".jsonl") ? name.substring(0, name.length() - ".jsonl".length()) : name;
        return output.resolveSibling(stem + ".errors.jsonl");
    }

    /**
     * Runs {@code job} over the records of {@code input}, appending results to {@code output}, as the class comment
     * describes.
     *
     * @param <R> the job's record type
     * @param input the JSONL file of records
     * @param output the results file; ids already in it are skipped
     * @param job parses, identifies, sizes and runs the records
     * @param chunkPairRows about how many pair rows go to the job at once
     * @param err where progress goes
     * @return the run's counts
     * @throws IllegalArgumentException if {@code input} is not a file
     */
    public static <R> Summary run(Path input, Path output, Job<R> job, int chunkPairRows, PrintWriter err) {
        if (!Files.isRegularFile(input)) {
            throw new IllegalArgumentException(
                    "--batch " + input + " is not a file; give a JSONL file, one record" + " per line");
        }
        ResumedOutput done = ResumedOutput.open(output, RecordFormat::idOf);
        long total = countRecords(input);
        ProgressBar bar = new ProgressBar(err, "Ranking records", false);
        Path errors = errorsFile(output);
        try (BufferedReader in = Files.newBufferedReader(input, StandardCharsets.UTF_8);
                BufferedWriter out = Files.newBufferedWriter(
                        output, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
                BufferedWriter bad = Files.newBufferedWriter(errors, StandardCharsets.UTF_8)) {
            if (done.size() > 0) {
                err.println(
                        "resuming: " + output + " already holds " + done.size() + " records; their ids are skipped");
            }
            Set<String> seen = new HashSet<>();
            List<R> chunk = new ArrayList<>();
            List<Long> chunkLines = new ArrayList<>();
            long read = 0, ranked = 0, refused = 0, resumed = 0, rows = 0, lineNo = 0;
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                lineNo++;
                if (line.isBlank()) {
                    continue;
                }
                read++;
                R record;
                try {
                    record = job.parse(line);
                } catch (RecordException e) {
                    refused += refuse(bad, lineNo, e.id(), e.getMessage());
                    continue;
                }
                String id = job.id(record);
                if (!seen.add(id)) {
                    refused += refuse(bad, lineNo, id, "duplicate id; an earlier line has the id " + id);
                } else if (done.contains(id)) {
                    resumed++;
                } else {
                    chunk.add(record);
                    chunkLines.add(lineNo);
                    rows += job.pairRows(record);
                }
                if (rows >= chunkPairRows) {
                    long ok = flush(job, chunk, chunkLines, out, bad);
                    ranked += ok;
                    refused += chunkLines.size() - ok;
                    chunk.clear();
                    chunkLines.clear();
                    rows = 0;
                }
                bar.update(read, total);
            }
            long ok = flush(job, chunk, chunkLines, out, bad);
            ranked += ok + resumed;
            refused += chunkLines.size() - ok;
            bar.update(total, total);
            return new Summary(read, ranked, refused, resumed);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + output + " or " + errors + ": " + e.getMessage(), e);
        }
    }

    /** Runs a chunk and writes its lines; if the chunk fails, each record alone, so one bad record costs one. */
    private static <R> long flush(Job<R> job, List<R> chunk, List<Long> lines, BufferedWriter out, BufferedWriter bad)
            throws IOException {
        if (chunk.isEmpty()) {
            return 0;
        }
        long ok = 0;
        try {
            for (String json : job.run(chunk)) {
                out.write(json);
                out.write('\n');
                ok++;
            }
        } catch (RuntimeException chunkFailed) {
            for (int i = 0; i < chunk.size(); i++) {
                try {
                    out.write(job.run(List.of(chunk.get(i))).get(0));
                    out.write('\n');
                    ok++;
                } catch (RuntimeException e) {
                    refuse(bad, lines.get(i), job.id(chunk.get(i)), String.valueOf(e.getMessage()));
                }
            }
        }
        out.flush();
        bad.flush();
        return ok;
    }

    private static int refuse(BufferedWriter bad, long line, String id, String reason) throws IOException {
        bad.write(RecordFormat.errorLine(line, id, reason));
        bad.write('\n');
        return 1;
    }

    private static long countRecords(Path input) {
        try (Stream<String> lines = Files.lines(input, StandardCharsets.UTF_8)) {
            return lines.filter(l -> !l.isBlank()).count();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read --batch " + input + ": " + e.getMessage(), e);
        }
    }
}
