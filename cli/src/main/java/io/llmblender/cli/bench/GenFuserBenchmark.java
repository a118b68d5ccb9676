package io.llmblender.cli.bench;

import io.llmblender.fuser.t5.BeamSearch;
import io.llmblender.fuser.t5.T5Config;
import io.llmblender.fuser.t5.T5Model;
import io.llmblender.runtime.ProcessMemory;
import io.llmblender.runtime.kernel.Precision;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * GenFuser's two costs on synthetic weights of any T5 shape (by default GenFuser-3B's) in one precision: the
 * encoder over the fusion text (with the cross-attention keys and values every decoder layer derives from it),
 * and the steps of a real beam-search decode ({@link BeamSearch}: scoring, reordering the cache, the decoder
 * step). The model's EOS id must lie outside its vocabulary, so no beam can finish and the decode runs every step
 * (random weights would otherwise stop it at any point). Speed is reported next to a square matmul in the same
 * precision through the same kernel, measured in the same process; memory as growth above the resident set before
 * the weights were built, so run one precision per process. Not thread-safe.
 */
public final class GenFuserBenchmark {
    /**
     * One stage of one precision, as the JSON report's rows name it.
     *
     * @param precision {@code fp32} or {@code bf16}
     * @param stage {@code encoder} or {@code decoder_step}
     * @param ms the encoder's time, or the median time of a decode step after the warm-up
     * @param gflops achieved GFLOP/s
     * @param matmulGflops the same process's square matmul in this precision
     * @param weightGbps bytes of weights the stage reads, in their resident precision, per second
     * @param peakRssGrowthMib peak resident memory above the resident memory before the weights were built
     * @param rssGrowthMibPerStep resident growth per decode step after the warm-up (null for the encoder)
     */
    public record Row(
            String precision,
            String stage,
            double ms,
            double gflops,
            double matmulGflops,
            double weightGbps,
            long peakRssGrowthMib,
            Double rssGrowthMibPerStep) {}

    /**
     * One precision's run.
     *
     * @param precision {@code fp32} or {@code bf16}
     * @param machine where it ran
     * @param buildSeconds time to build the random weights
     * @param weightBytes resident bytes of the weights in their precision
     * @param rows the encoder row and the decoder-step row
     * @param stepMs every decode step's milliseconds after the first (which follows the encoder)
     */
    public record Run(
            String precision, Machine machine, double buildSeconds, long weightBytes, List<Row> rows, double[] stepMs) {
        /**
         * Keeps its own copies.
         *
         * @param precision {@code fp32} or {@code bf16}
         * @param machine where it ran
         * @param buildSeconds time to build the random weights
         * @param weightBytes resident bytes of the weights in their precision
         * @param rows the encoder row and the decoder-step row
         * @param stepMs every decode step's milliseconds after the first
         */
        public Run {
            rows = List.copyOf(rows);
            stepMs = stepMs.clone();
        }

        /** @return a copy of the step times */
        @Override
        public double[] stepMs() {
            return stepMs.clone();
        }
    }

    private final T5Config c;

    /** @param config the model's shapes; its EOS id lies outside the vocabulary */
    public GenFuserBenchmark(T5Config config) {
        if (config.eosTokenId() < config.vocabSize()) {
            throw new IllegalArgumentException("eos_token_id " + config.eosTokenId() + " is inside the vocabulary of "
                    + config.vocabSize() + "; the benchmark needs one no logit can choose, so every decode runs all"
                    + " its steps");
        }
        this.c = config;
    }

    /**
     * GFLOP of the encoder over {@code l} tokens, plus the cross-attention K/V projections of every decoder layer.
     *
     * @param l encoder tokens
     * @return GFLOP
     */
    public double encoderGflop(int l) {
        double d = c.dModel();
        double inner = c.innerDim();
        double ff = 2.0 * l * d * c.dFf() * (c.gatedGelu() ? 3 : 2);
        double perLayer = 2.0 * l * d * inner * 4 + 4.0 * l * l * inner + ff;
        return (perLayer * c.numLayers() + 2.0 * l * d * inner * 2 * c.numDecoderLayers()) / 1e9;
    }

    /**
     * GFLOP of one decoder step.
     *
     * @param rows beams decoded together
     * @param t the self-attention cache length
     * @param l encoder tokens
     * @return GFLOP
     */
    public double stepGflop(int rows, double t, int l) {
        double d = c.dModel();
        double inner = c.innerDim();
        double ff = 2.0 * rows * d * c.dFf() * (c.gatedGelu() ? 3 : 2);
        double perLayer = 2.0 * rows * d * inner * 4
                + 4.0 * rows * t * inner // self-attention
                + 2.0 * rows * d * inner * 2
                + 4.0 * rows * l * inner // cross-attention (q, o; K/V cached)
                + ff;
        return (perLayer * c.numDecoderLayers() + 2.0 * rows * d * c.vocabSize()) / 1e9;
    }

    /** Values of the projections one decoder step reads: self q, k, v, o, cross q, o, the FF, the LM head. */
    long stepWeightValues() {
        long d = c.dModel();
        long inner = c.innerDim();
        long ff = d * c.dFf() * (c.gatedGelu() ? 3 : 2);
        return (6 * d * inner + ff) * c.numDecoderLayers() + d * c.vocabSize();
    }

    /** Values of the projections the encoder reads, with the decoder's cross-attention k and v. */
    long encoderWeightValues() {
        long d = c.dModel();
        long inner = c.innerDim();
        long ff = d * c.dFf() * (c.gatedGelu() ? 3 : 2);
        return (4 * d * inner + ff) * c.numLayers() + 2 * d * inner * c.numDecoderLayers();
    }

    /**
     * The weights' resident size: projections in the kernel's precision; the shared embedding (a lookup), the
     * norms and the position-bias tables in fp32.
     */
    long weightBytes(Precision precision) {
        long d = c.dModel();
        long inner = c.innerDim();
        long ff = d * c.dFf() * (c.gatedGelu() ? 3 : 2);
        long projections = (4 * d * inner + ff) * c.numLayers()
                + (8 * d * inner + ff) * c.numDecoderLayers()
                + (c.tieWordEmbeddings() ? 0 : d * c.vocabSize());
        long fp32 = d * c.vocabSize()
                + d * (2L * c.numLayers() + 3L * c.numDecoderLayers() + 2)
                + 2L * c.numBuckets() * c.numHeads();
        return projections * bytes(precision) + fp32 * 4;
    }

    private static int bytes(Precision precision) {
        return precision == Precision.BF16 ? 2 : 4;
    }

    /**
     * Measures one precision.
     *
     * @param precision {@code FP32} or {@code BF16}
     * @param inputTokens the fusion text's length
     * @param beams beams decoded together
     * @param steps decode steps (the decode's max_new_tokens)
     * @param warmUp steps left out of the step median and the per-step memory growth
     * @param matmulSize side of the square yardstick matmul
     * @param log progress lines
     * @return the run
     */
    public Run run(
            Precision precision,
            int inputTokens,
            int beams,
            int steps,
            int warmUp,
            int matmulSize,
            Consumer<String> log) {
        if (steps < warmUp + 2) {
            throw new IllegalArgumentException(
                    "steps " + steps + " must exceed the warm-up " + warmUp + " by at least 2");
        }
        String name = BenchPrecisions.name(precision);
        double matmul = BenchPrecisions.matmulGflops(precision, matmulSize, log);
        long before = ProcessMemory.residentBytes();
        log.accept(String.format(
                "building synthetic weights (%d+%d layers, d_model %d, %s) ...",
                c.numLayers(), c.numDecoderLayers(), c.dModel(), name));
        long t0 = System.nanoTime();
        try (T5Model model = T5Model.synthetic(c, 1357911L, precision)) {
            double build = (System.nanoTime() - t0) / 1e9;
            log.accept(
                    String.format("weights ready in %.1f s; RSS %d MiB", build, ProcessMemory.residentBytes() >> 20));
            long[][] ids = randomInput(inputTokens);
            long[][] mask = new long[1][inputTokens];
            Arrays.fill(mask[0], 1L);
            // the encoder as beam search runs it: one input, K/V for every decoder layer
            long e0 = System.nanoTime();
            model.decoder(ids, mask, beams, steps + 1).close();
            double encoderMs = (System.nanoTime() - e0) / 1e6;
            log.accept(String.format("encoder %.1f ms", encoderMs));
            // a whole decode; a step is the time between two progress calls: reorder, decoder step, scoring
            long[] at = new long[steps + 1];
            long[] rss = new long[steps + 1];
            new BeamSearch(model, new BeamSearch.Options(beams, 1, 1.0, false, steps))
                    .search(ids, mask, (step, max) -> {
                        at[step] = System.nanoTime();
                        rss[step] = ProcessMemory.residentBytes();
                    });
            double[] stepMs = new double[steps - 1];
            for (int s = 2; s <= steps; s++) {
                stepMs[s - 2] = (at[s] - at[s - 1]) / 1e6;
            }
            double[] measured = Arrays.copyOfRange(stepMs, warmUp, stepMs.length);
            Arrays.sort(measured);
            double median = measured[measured.length / 2];
            double perStep = (rss[steps] - rss[warmUp + 1]) / (double) (steps - warmUp - 1) / (1 << 20);
            long peak = (ProcessMemory.peakResidentBytes() - before) >> 20;
            log.accept(String.format(
                    "steps %s ms; RSS %d MiB at step %d, %d MiB at step %d",
                    Arrays.toString(stepMs), rss[warmUp + 1] >> 20, warmUp + 1, rss[steps] >> 20, steps));
            double meanCache = (warmUp + 2 + steps) / 2.0; // cache length over the measured steps
            int b = bytes(precision);
            Row encoder = new Row(
                    name,
                    "encoder",
                    encoderMs,
                    encoderGflop(inputTokens) / (encoderMs / 1e3),
                    matmul,
                    encoderWeightValues() * b / (encoderMs / 1e3) / 1e9,
                    peak,
                    null);
            Row step = new Row(
                    name,
                    "decoder_step",
                    median,
                    stepGflop(beams, meanCache, inputTokens) / (median / 1e3),
                    matmul,
                    stepWeightValues() * b / (median / 1e3) / 1e9,
                    peak,
                    perStep);
            return new Run(name, Machine.detect(), build, weightBytes(precision), List.of(encoder, step), stepMs);
        }
    }

    private long[][] randomInput(int tokens) {
        SplittableRandom random = new SplittableRandom(7);
        long[][] ids = new long[1][tokens];
        for (int i = 0; i < tokens; i++) {
            ids[0][i] = 2 + random.nextInt(Math.min(c.vocabSize(), 32000) - 2);
        }
        return ids;
    }

    /** @return the shapes, for the report's header */
    public String model() {
        return String.format(
                "GenFuser shapes: d_model %d, %d+%d layers, %d heads × d_kv %d, d_ff %d, vocab %d",
                c.dModel(), c.numLayers(), c.numDecoderLayers(), c.numHeads(), c.dKv(), c.dFf(), c.vocabSize());
    }
}
