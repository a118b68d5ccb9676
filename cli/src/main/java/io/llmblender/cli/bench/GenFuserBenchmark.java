package io.llmblender.cli.bench;

import io.llmblender.fuser.t5.T5Config;
import io.llmblender.fuser.t5.T5Model;
import io.llmblender.runtime.MatmulProbe;
import io.llmblender.runtime.ProcessMemory;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * Times GenFuser's two costs on synthetic weights of any T5 shape (by default GenFuser-3B's): the encoder over
 * the fusion text (with the cross-attention keys and values every decoder layer derives from it), and one
 * decoder step of beam search with the key/value cache. Both are reported next to the machine's fp32 matmul
 * speed measured in the same process. Not thread-safe.
 */
public final class GenFuserBenchmark {
    /** The figures of one run. */
    public record Report(
            String model,
            double matmulGflops,
            double buildSeconds,
            int inputTokens,
            int beams,
            double encoderMs,
            double encoderGflop,
            double stepMs,
            double stepGflop,
            double[] stepMsAll,
            long peakRssBytes) {
        /**
         * The encoder's throughput.
         *
         * @return GFLOP/s
         */
        public double encoderGflops() {
            return encoderGflop / (encoderMs / 1e3);
        }

        /**
         * One decoder step's throughput.
         *
         * @return GFLOP/s
         */
        public double stepGflops() {
            return stepGflop / (stepMs / 1e3);
        }
    }

    private final T5Config c;

    /**
     * A benchmark of {@code config}'s shapes, with synthetic weights.
     *
     * @param config the T5 architecture, e.g. gen_fuser_3b's
     */
    public GenFuserBenchmark(T5Config config) {
        this.c = config;
    }

    /**
     * GFLOP of the encoder over {@code l} tokens, plus the cross-attention K/V projections of every decoder layer.
     *
     * @param l encoder tokens
     * @return the GFLOP count
     */
    public double encoderGflop(int l) {
        double d = c.dModel();
        double inner = c.innerDim();
        double ff = 2.0 * l * d * c.dFf() * (c.gatedGelu() ? 3 : 2);
        double perLayer = 2.0 * l * d * inner * 4 + 4.0 * l * l * inner + ff;
        return (perLayer * c.numLayers() + 2.0 * l * d * inner * 2 * c.numDecoderLayers()) / 1e9;
    }

    /**
     * GFLOP of one decoder step for {@code rows} beams at cache length {@code t} over {@code l} encoder tokens.
     *
     * @param rows decoder rows (beams)
     * @param t the self-attention cache length
     * @param l encoder tokens
     * @return the GFLOP count
     */
    public double stepGflop(int rows, int t, int l) {
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

    /**
     * Times the encoder over {@code inputTokens} tokens and {@code steps} cached decoder steps of {@code beams} rows,
     * beside an fp32 matmul yardstick.
     *
     * @param inputTokens encoder tokens
     * @param beams decoder rows
     * @param steps decoder steps timed
     * @param matmulSize the side of the yardstick's square matmul
     * @param log told the progress
     * @return the timings, the GFLOP counts and the peak RSS
     */
    public Report run(int inputTokens, int beams, int steps, int matmulSize, Consumer<String> log) {
        log.accept("measuring the fp32 " + matmulSize + "² matmul ...");
        double matmul = MatmulProbe.gflops(matmulSize, 9);
        log.accept(String.format(
                "building synthetic weights (%d+%d layers, d_model %d) ...",
                c.numLayers(), c.numDecoderLayers(), c.dModel()));
        long t0 = System.nanoTime();
        try (T5Model model = T5Model.synthetic(c, 1357911L)) {
            double build = (System.nanoTime() - t0) / 1e9;
            SplittableRandom random = new SplittableRandom(7);
            long[][] ids = new long[1][inputTokens];
            long[][] mask = new long[1][inputTokens];
            for (int i = 0; i < inputTokens; i++) {
                ids[0][i] = 2 + random.nextInt(Math.min(c.vocabSize(), 32000) - 2);
                mask[0][i] = 1;
            }
            ids[0][inputTokens - 1] = c.eosTokenId();
            // warm-up, then the encoder as beam search runs it (one input, K/V for every decoder layer)
            model.decoder(ids, mask, beams).close();
            long e0 = System.nanoTime();
            T5Model.Decoder decoder = model.decoder(ids, mask, beams);
            double encoderMs = (System.nanoTime() - e0) / 1e6;
            double[] stepMs = new double[steps];
            try (decoder) {
                long[] tokens = new long[beams];
                decoder.step(tokens); // warm-up step (position 0)
                for (int s = 0; s < steps; s++) {
                    Arrays.fill(tokens, 3 + s);
                    long s0 = System.nanoTime();
                    decoder.step(tokens);
                    stepMs[s] = (System.nanoTime() - s0) / 1e6;
                }
            }
            double[] sorted = stepMs.clone();
            Arrays.sort(sorted);
            double median = sorted[sorted.length / 2];
            log.accept(String.format("encoder %.1f ms; steps %s ms", encoderMs, Arrays.toString(stepMs)));
            String shape = String.format(
                    "GenFuser shapes: d_model %d, %d+%d layers, %d heads × d_kv %d, d_ff %d, vocab %d",
                    c.dModel(), c.numLayers(), c.numDecoderLayers(), c.numHeads(), c.dKv(), c.dFf(), c.vocabSize());
            return new Report(
                    shape,
                    matmul,
                    build,
                    inputTokens,
                    beams,
                    encoderMs,
                    encoderGflop(inputTokens),
                    median,
                    stepGflop(beams, 1 + steps / 2, inputTokens),
                    stepMs,
                    ProcessMemory.peakResidentBytes());
        }
    }
}
