package io.llmblender.cli.bench;

import io.llmblender.adapters.replay.ReplayChatModel;
import io.llmblender.cli.Ensembles;
import io.llmblender.ranker.Item;
import io.llmblender.ranker.PairRanker;
import io.llmblender.ranker.PairRankerOptions;
import io.llmblender.ranker.Selection;
import io.llmblender.ranker.Strategy;
import io.llmblender.ranker.deberta.DebertaV2Config;
import io.llmblender.ranker.pairrm.PairRm;
import io.llmblender.ranker.pairrm.PairRmConfig;
import io.llmblender.ranker.pairrm.PairRmOptions;
import io.llmblender.ranker.pairrm.PairRmTokenizer;
import io.llmblender.runtime.ProcessMemory;
import io.llmblender.runtime.kernel.Precision;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * What a user of the demo waits for: the five recorded MT-bench answers to one question, ranked by a full-size
 * PairRM-shaped model with random weights (built in memory, no download) with one strategy in one precision.
 * Counts the forward passes, pair rows and padded tokens the model computed, and the peak resident memory growth
 * above the memory before the weights were built; so run one (strategy, precision) per process. Not thread-safe.
 */
public final class EnsembleBenchmark {
    /** One (strategy, precision) measurement, as the JSON report's rows name it. */
    public record Row(
            String strategy,
            String precision,
            double seconds,
            long forwards,
            long pairRows,
            long paddedTokens,
            long peakRssGrowthMib,
            int best) {}

    /** A child's result: its row and the machine. */
    public record Run(Machine machine, Row row) {}

    private EnsembleBenchmark() {}

    /**
     * The demo's question {@code question} and the five members' recorded answers to it.
     *
     * @param question the question's index in the demo
     * @return the question and its five answers
     * @throws IOException if the demo data cannot be extracted
     */
    public static Item demoItem(int question) throws IOException {
        Path data = Ensembles.extractDemoData();
        List<String> questions = Files.readAllLines(data.resolve("question.jsonl"));
        if (question < 0 || question >= questions.size()) {
            throw new IllegalArgumentException(
                    "--question must be 0.." + (questions.size() - 1) + " (the demo's questions), not " + question);
        }
        String prompt = new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(questions.get(question))
                .get("turns")
                .get(0)
                .asText();
        List<String> answers = new ArrayList<>();
        for (String m : Ensembles.DEMO_MODELS) {
            answers.add(ReplayChatModel.fromMtBench(
                            data.resolve("question.jsonl"),
                            data.resolve("model_answer").resolve(m + ".jsonl"))
                    .chat(prompt));
        }
        return new Item(prompt, answers);
    }

    /**
     * Ranks the demo item once with {@code strategy} in {@code precision}.
     *
     * @param config the PairRM backbone's shapes (synthetic weights)
     * @param tokenizer the PairRM {@code tokenizer.json}
     * @param strategy the selection strategy
     * @param precision the matmul precision
     * @param question the demo question's index
     * @param log told the progress
     * @return the machine and the measured row
     * @throws IOException if the demo data or the tokenizer cannot be read
     */
    public static Run run(
            DebertaV2Config config,
            Path tokenizer,
            Strategy strategy,
            Precision precision,
            int question,
            Consumer<String> log)
            throws IOException {
        if (!Files.isRegularFile(tokenizer)) {
            throw new IllegalArgumentException(tokenizer + " does not exist; pass --tokenizer with a DeBERTa-v3"
                    + " tokenizer.json that holds PairRM's marker tokens (the project's copy is"
                    + " ranker/src/test/resources/fixtures/pairrm-e2e/tokenizer.json)");
        }
        Item item = demoItem(question);
        long before = ProcessMemory.residentBytes();
        String p = precision.name().toLowerCase(Locale.ROOT);
        log.accept("building synthetic " + p + " weights (" + config.numHiddenLayers() + " layers) ...");
        PairRm model = PairRm.synthetic(
                config,
                PairRmConfig.forVocabulary(config.vocabSize()),
                20240611L,
                PairRmOptions.DEFAULT.withPrecision(precision));
        try (PairRanker ranker = PairRanker.of(model, PairRmTokenizer.load(tokenizer), PairRankerOptions.DEFAULT)) {
            log.accept("ranking " + item.size() + " answers with " + strategy.configName() + " ...");
            PairRm.Usage start = model.usage();
            long t0 = System.nanoTime();
            Selection s = ranker.selector(strategy).select(item, 1);
            double seconds = (System.nanoTime() - t0) / 1e9;
            PairRm.Usage used = model.usage().minus(start);
            Row row = new Row(
                    strategy.configName(),
                    p,
                    seconds,
                    used.passes(),
                    used.rows(),
                    used.paddedTokens(),
                    (ProcessMemory.peakResidentBytes() - before) >> 20,
                    s.bestIndex());
            log.accept(String.format(
                    "  %.1f s, %d passes, %d rows, %d padded tokens",
                    seconds, used.passes(), used.rows(), used.paddedTokens()));
            return new Run(Machine.detect(), row);
        }
    }
}
