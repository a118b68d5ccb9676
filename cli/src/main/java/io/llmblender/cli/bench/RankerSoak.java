package io.llmblender.cli.bench;

import io.llmblender.ranker.CompareMode;
import io.llmblender.ranker.Item;
import io.llmblender.ranker.PairRanker;
import io.llmblender.runtime.ProcessMemory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * PairRM under a long concurrent load: many {@code compare} calls from several threads on one model, with the
 * process's resident memory sampled as they go and the model's live native arrays counted before and after. After
 * a warm-up on the same threads, neither may grow: every pass frees what it made, whichever thread ran it.
 */
public final class RankerSoak {
    private static final String[] QUESTIONS = {
        "What is the capital of France?", "hello, how are you!", "Explain recursion to a child.", "Name a colour."
    };
    private static final String[] ANSWERS = {
        "Paris.",
        "It is Paris, on the Seine.",
        "Lyon, I think.",
        "Hi! I am fine, thanks!",
        "Go away.",
        "Recursion is when a function calls itself on a smaller problem until it reaches a simple case.",
        "Blue."
    };

    /** What the soak saw; samples are {@code {calls, rss MiB}}. */
    public record Report(
            int calls,
            int threads,
            double seconds,
            long rssAfterWarmupMib,
            long rssAtEndMib,
            int arraysAfterWarmup,
            int arraysAtEnd,
            List<long[]> samples) {
        /**
         * RSS growth after the warm-up, in MiB per 1,000 calls.
         *
         * @return MiB per 1,000 calls
         */
        public double rssGrowthMibPer1000() {
            return (rssAtEndMib - rssAfterWarmupMib) * 1000.0 / Math.max(1, calls);
        }
    }

    private RankerSoak() {}

    /**
     * Runs {@code warmup} calls, then {@code calls − warmup} measured ones, both from {@code threads} threads. The
     * warm-up uses the same threads so the allocator's per-thread arenas exist before measuring; arrays are counted
     * between the phases, when no pass is in flight.
     *
     * @param ranker the ranker under test
     * @param calls compare calls in all, warm-up included
     * @param threads concurrent callers
     * @param warmup calls before measuring
     * @param log told the progress
     * @return RSS and live arrays after the warm-up and at the end, and the samples between
     * @throws Exception if a call fails
     */
    public static Report run(PairRanker ranker, int calls, int threads, int warmup, Consumer<String> log)
            throws Exception {
        phase(ranker, 0, warmup, threads, log, new ArrayList<>());
        long rssWarm = ProcessMemory.residentBytes();
        int arraysWarm = ranker.model().managedArrays();
        List<long[]> samples = new ArrayList<>();
        long start = System.nanoTime();
        phase(ranker, warmup, calls, threads, log, samples);
        double seconds = (System.nanoTime() - start) / 1e9;
        return new Report(
                calls - warmup,
                threads,
                seconds,
                rssWarm >> 20,
                ProcessMemory.residentBytes() >> 20,
                arraysWarm,
                ranker.model().managedArrays(),
                samples);
    }

    /** Calls {@code from} to {@code to} (exclusive), spread over {@code threads} threads, every mode in turn. */
    private static void phase(
            PairRanker ranker, int from, int to, int threads, Consumer<String> log, List<long[]> samples)
            throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        AtomicInteger done = new AtomicInteger(from);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                futures.add(pool.submit(() -> {
                    for (int i = from + thread; i < to; i += threads) {
                        Item item = new Item(
                                QUESTIONS[i % QUESTIONS.length],
                                List.of(ANSWERS[i % ANSWERS.length], ANSWERS[(i * 3 + 1) % ANSWERS.length]));
                        ranker.compare(item, CompareMode.values()[i % 3]);
                        int n = done.incrementAndGet();
                        if (n % 1000 == 0) {
                            long[] s = {n, ProcessMemory.residentBytes() >> 20};
                            synchronized (samples) {
                                samples.add(s);
                            }
                            log.accept(String.format("  %,d calls: RSS %d MiB", s[0], s[1]));
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        } finally {
            pool.shutdown();
            pool.awaitTermination(1, TimeUnit.MINUTES);
        }
    }
}
