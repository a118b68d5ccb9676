package io.llmblender.orchestrator;

import io.llmblender.ranker.Ranking;
import io.llmblender.ranker.Selection;
import io.llmblender.ranker.Selector;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The selection stage: orders the answers with the {@link Selector} (a full ranking, or the best K of a
 * tournament) and records scores and ranks by member, within its budget. If the selector fails or the budget is
 * spent, the answers keep member order and the result carries a note, so the call degrades instead of failing.
 * Thread-safe if the selector is.
 */
final class SelectionStep {
    private static final Logger LOG = LoggerFactory.getLogger(SelectionStep.class);

    /**
     * @param ordered the answers, best first
     * @param scores by member, in the ranking's candidate order; empty when the strategy scores no one
     * @param ranks by member (1 = best); a best-K strategy ranks only its K
     * @param note what went wrong, if the selector failed
     */
    record Result(
            List<MemberOutcome.Answered> ordered,
            Map<String, Float> scores,
            Map<String, Integer> ranks,
            Optional<String> note) {}

    private final Selector selector;
    private final StageRunner runner;
    private final Duration budget;

    SelectionStep(Selector selector, StageRunner runner, Duration budget) {
        this.selector = selector;
        this.runner = runner;
        this.budget = budget;
    }

    /**
     * Orders {@code answers} to {@code prompt}, placing at least the best {@code k}.
     *
     * @throws InterruptedException if the caller is interrupted while the selector runs
     */
    Result select(Prompt prompt, List<MemberOutcome.Answered> answers, int k) throws InterruptedException {
        if (answers.size() < 2) {
            return new Result(answers, Map.of(), Map.of(), Optional.empty()); // nothing to choose between
        }
        try (Deadline deadline = runner.deadline(budget)) {
            return runner.run(deadline, () -> order(prompt, answers, k))
                    .orElseGet(() -> new Result(
                            answers,
                            Map.of(),
                            Map.of(),
                            Optional.of("ranking did not finish within its budget of " + budget
                                    + "; returned the first answer in member order")));
        }
    }

    private Result order(Prompt prompt, List<MemberOutcome.Answered> answers, int k) {
        Map<String, Float> scores = new LinkedHashMap<>();
        Map<String, Integer> ranks = new LinkedHashMap<>();
        try {
            List<String> texts =
                    answers.stream().map(MemberOutcome.Answered::text).toList();
            Selection selection = selector.select(prompt.item(texts), k);
            List<MemberOutcome.Answered> sorted = new ArrayList<>();
            if (selection.ranking() != null) {
                Ranking ranking = selection.ranking();
                float[] s = ranking.scores();
                int[] r = ranking.ranks();
                for (int i = 0; i < answers.size(); i++) {
                    scores.put(answers.get(i).member(), s[i]);
                    ranks.put(answers.get(i).member(), r[i]);
                }
                for (int i : ranking.order()) {
                    sorted.add(answers.get(i));
                }
            } else {
                // a selection strategy places only its best K; the rest follow in member order, unranked
                for (int place = 0; place < selection.best().size(); place++) {
                    int i = selection.best().get(place);
                    ranks.put(answers.get(i).member(), place + 1);
                    sorted.add(answers.get(i));
                }
                for (MemberOutcome.Answered a : answers) {
                    if (!sorted.contains(a)) {
                        sorted.add(a);
                    }
                }
            }
            return new Result(sorted, scores, ranks, Optional.empty());
        } catch (RuntimeException e) {
            LOG.warn("ranking failed, returning the first answer: {}", e.toString());
            return new Result(
                    answers,
                    Map.of(),
                    Map.of(),
                    Optional.of("ranking failed (" + e.getClass().getSimpleName() + ": " + e.getMessage()
                            + "); returned the first answer in member order"));
        }
    }
}
