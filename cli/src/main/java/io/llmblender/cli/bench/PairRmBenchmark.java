package io.llmblender.cli.bench;

import io.llmblender.ranker.deberta.DebertaV2Config;
import io.llmblender.ranker.pairrm.PairRm;
import io.llmblender.ranker.pairrm.PairRmConfig;
import io.llmblender.ranker.pairrm.PairRmOptions;
import io.llmblender.runtime.ProcessMemory;
import io.llmblender.runtime.kernel.Precision;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Times PairRM forward passes on synthetic weights of any shape (by default the real PairRM's) in one precision and
 * puts them next to the machine's own matmul speed in that precision, measured in the same process (an fp32 or a
 * bf16 square matmul through the same kernel).
 *
 * <p>FLOPs per layer are counted as the Python reference's figures count them, so the numbers compare:
 * projections and FFN {@code 24·B·L·H²}, content attention {@code 4·B·L²·H}, c2p/p2c {@code 4·B·L·2k·H}
 * and the relative-embedding projections {@code 4·2k·H²} (which this implementation does once per model, not
 * per call, so they count as work saved). Peak memory is reported as growth above the resident memory before the
 * weights were built, so run one precision per process. The yardstick is measured again right before each shape's
 * timed passes and that shape's ratio uses it: on a shared VM the matmul speed drifts by a fifth within minutes,
 * and a ratio of two measurements taken minutes apart reports the drift. Not thread-safe.
 */
public final class PairRmBenchmark {
    /** One measured shape, as the JSON report's rows name it. */
    public record Row(
            String precision,
            int batch,
            int tokens,
            double medianS,
            double gflop,
            double gflops,
            double matmulGflops,
            double ratio,
            long peakRssGrowthMib,
            double[] allSeconds) {}

    /**
     * One precision's run: its rows, and the logits of a fixed probe batch so that two runs can be compared.
     *
     * @param weightBytes the resident bytes of the weights in their precision (fp32 4 bytes, bf16 2, per value)
     */
    public record Run(
            String precision,
            Machine machine,
            double matmulGflops,
            double loadSeconds,
            long weightBytes,
            List<Row> rows,
            float[] probeLogits) {}

    private final DebertaV2Config config;
    private final int warmup;
    private final int reps;

    /**
     * A benchmark of {@code config}'s shapes, with synthetic weights.
     *
     * @param config the DeBERTa architecture, e.g. PairRM's
     * @param warmup untimed passes per shape
     * @param reps timed passes per shape
     */
    public PairRmBenchmark(DebertaV2Config config, int warmup, int reps) {
        this.config = config;
        this.warmup = warmup;
        this.reps = reps;
    }

    /**
     * GFLOP of one forward pass of {@code batch × tokens}, by the reference's count.
     *
     * @param batch pair rows
     * @param tokens tokens per row
     * @return the GFLOP count
     */
    public double gflop(int batch, int tokens) {
        double b = batch;
        double l = tokens;
        double h = config.hiddenSize();
        double rel = 2.0 * config.attentionSpan();
        double perLayer = 24 * b * l * h * h + 4 * b * l * l * h + 4 * b * l * rel * h + 4 * rel * h * h;
        return perLayer * config.numHiddenLayers() / 1e9;
    }

    /**
     * Runs every shape in {@code shapes} ({@code [batch, tokens]} pairs) in {@code precision}, printing progress to
     * {@code log}.
     *
     * @param precision the matmul precision
     * @param shapes {@code [batch, tokens]} pairs
     * @param matmulSize side of the square matmul measured as the yardstick (2048 in the reference figures)
     * @param log told the progress
     * @return the machine, the yardstick, the load time and one row per shape
     */
    public Run run(Precision precision, List<int[]> shapes, int matmulSize, java.util.function.Consumer<String> log) {
        String name = BenchPrecisions.name(precision);
        double matmul = BenchPrecisions.matmulGflops(precision, matmulSize, log);
        long before = ProcessMemory.residentBytes();
        log.accept(String.format(
                "building synthetic weights (%d layers, H %d, %s) ...",
                config.numHiddenLayers(), config.hiddenSize(), name));
        long t0 = System.nanoTime();
        List<Row> rows = new ArrayList<>();
        PairRmOptions options = PairRmOptions.DEFAULT.withPrecision(precision);
        try (PairRm model =
                PairRm.synthetic(config, PairRmConfig.forVocabulary(config.vocabSize()), 20240611L, options)) {
            double load = (System.nanoTime() - t0) / 1e9;
            log.accept(String.format("weights ready in %.1f s; RSS %d MiB", load, ProcessMemory.residentBytes() >> 20));
            for (int[] shape : shapes) {
                rows.add(measure(model, precision, shape[0], shape[1], matmulSize, before, log));
            }
            long[][][] probe = input(2, 128, model.config());
            return new Run(
                    name,
                    Machine.detect(),
                    matmul,
                    load,
                    weightBytes(precision),
                    rows,
                    model.logits(probe[0], probe[1]));
        }
    }

    /**
     * The weights' resident size: the embedding table stays fp32 (a lookup, not a matmul), the layers' matrices
     * are held in the kernel's precision.
     */
    long weightBytes(Precision precision) {
        long h = config.hiddenSize();
        long ff = config.intermediateSize();
        long perLayer = 4 * h * h + 2 * h * ff; // qkv, attention output, FFN in and out
        long embeddings = config.vocabSize() * h + 2L * config.attentionSpan() * h;
        int bytes = precision == Precision.BF16 ? 2 : 4;
        return perLayer * config.numHiddenLayers() * bytes + embeddings * 4;
    }

    private Row measure(
            PairRm model,
            Precision kernelPrecision,
            int batch,
            int tokens,
            int matmulSize,
            long rssBefore,
            java.util.function.Consumer<String> log) {
        String precision = BenchPrecisions.name(kernelPrecision);
        long[][][] input = input(batch, tokens, model.config());
        for (int i = 0; i < warmup; i++) {
            model.logits(input[0], input[1]);
        }
        double matmul = BenchPrecisions.matmulGflops(kernelPrecision, matmulSize, log);
        double[] seconds = new double[reps];
        for (int i = 0; i < reps; i++) {
            long t0 = System.nanoTime();
            model.logits(input[0], input[1]);
            seconds[i] = (System.nanoTime() - t0) / 1e9;
        }
        double[] sorted = seconds.clone();
        Arrays.sort(sorted);
        double median = sorted.length % 2 == 1
                ? sorted[sorted.length / 2]
                : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
        double gflop = gflop(batch, tokens);
        Row r = new Row(
                precision,
                batch,
                tokens,
                median,
                gflop,
                gflop / median,
                matmul,
                gflop / median / matmul,
                (ProcessMemory.peakResidentBytes() - rssBefore) >> 20,
                seconds);
        log.accept(String.format(
                "  (%d,%d): median %.3f s of %s, matmul %.1f GFLOP/s; RSS %d MiB",
                batch, tokens, median, Arrays.toString(seconds), matmul, ProcessMemory.residentBytes() >> 20));
        return r;
    }

    /** Pair sequences of exactly {@code tokens} ids, each prefix once, random content: ids and an all-ones mask. */
    static long[][][] input(int batch, int tokens, PairRmConfig ids) {
        if (tokens < 9) {
            throw new IllegalArgumentException("tokens must be at least 9 to hold the pair layout, was " + tokens);
        }
        SplittableRandom random = new SplittableRandom(7);
        long[][] inputIds = new long[batch][tokens];
        long[][] mask = new long[batch][tokens];
        int third = tokens / 3;
        for (int r = 0; r < batch; r++) {
            for (int p = 0; p < tokens; p++) {
                inputIds[r][p] = 4 + random.nextInt(Math.max(1, ids.sourcePrefixId() - 5));
                mask[r][p] = 1;
            }
            // [CLS] <|source|> … [SEP] [CLS] <|candidate1|> … [SEP] [CLS] <|candidate2|> … [SEP]
            layOut(inputIds[r], 0, ids.sourcePrefixId());
            layOut(inputIds[r], third, ids.cand1PrefixId());
            layOut(inputIds[r], 2 * third, ids.cand2PrefixId());
            inputIds[r][tokens - 1] = 2;
        }
        return new long[][][] {inputIds, mask};
    }

    private static void layOut(long[] row, int at, long prefix) {
        if (at > 0) {
            row[at - 1] = 2; // [SEP]
        }
        row[at] = 1; // [CLS]
        row[at + 1] = prefix;
    }

    /**
     * The shapes benchmarked, for the report.
     *
     * @return one line
     */
    public String model() {
        return String.format(
                "PairRM shapes: %d layers, hidden %d, %d heads, FF %d, vocab %d, position_buckets %d",
                config.numHiddenLayers(),
                config.hiddenSize(),
                config.numAttentionHeads(),
                config.intermediateSize(),
                config.vocabSize(),
                config.positionBuckets());
    }
}
