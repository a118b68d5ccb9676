package io.llmblender.cli.option;

import io.llmblender.batch.BatchFile;
import io.llmblender.ranker.Batching;
import java.io.PrintWriter;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * {@code --batch FILE.jsonl --output OUT.jsonl}: one record per line in, one result per line out, refused lines
 * in {@code OUT.errors.jsonl}; a re-run resumes (see {@link BatchFile}).
 */
public final class BatchOptions {
    /** Pair rows handed to the model at once: four passes of the default batching, then written and flushed. */
    static final int CHUNK_PAIR_ROWS = 4 * Batching.DEFAULT.maxRows();

    /** The option's raw value, {@code --batch}: the JSONL file of records, or null for one input. */
    @Option(
            names = "--batch",
            paramLabel = "FILE.jsonl",
            description = "rank every record of a JSONL file instead of one input (see the README's batch files)")
    public Path batch;

    /** The option's raw value, {@code --output}: the results file, or null. */
    @Option(
            names = "--output",
            paramLabel = "OUT.jsonl",
            description = "with --batch: where the results go (appended; ids already there are skipped);"
                    + " refused lines go to OUT.errors.jsonl")
    public Path output;

    /**
     * Whether this is a batch run.
     *
     * @return true when {@code --batch} is given
     */
    public boolean active() {
        return batch != null;
    }

    /**
     * Refuses single-input options beside {@code --batch}, naming them.
     *
     * @param option the option's name, e.g. {@code --input}
     * @param value the option's value, or null when it was not given
     * @throws IllegalArgumentException if {@code value} is given beside {@code --batch}
     */
    public void refuseWith(String option, Object value) {
        if (active() && value != null) {
            throw new IllegalArgumentException(
                    "--batch reads every input from the file; drop " + option + " (or drop --batch for one input)");
        }
    }

    /**
     * Runs the job over the file and prints the summary as the last line on {@code err}.
     *
     * @param <R> the job's record type
     * @param job the batch job
     * @param err where progress and the summary go
     * @return the exit code, 0
     * @throws IllegalArgumentException if {@code --output} is missing
     */
    public <R> int run(BatchFile.Job<R> job, PrintWriter err) {
        if (output == null) {
            throw new IllegalArgumentException(
                    "--batch needs --output OUT.jsonl: where the results go (refused lines go to OUT.errors.jsonl)");
        }
        BatchFile.Summary s = BatchFile.run(batch, output, job, CHUNK_PAIR_ROWS, err);
        err.println(s.line());
        err.flush();
        return 0;
    }
}
