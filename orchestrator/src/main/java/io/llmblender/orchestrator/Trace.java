package io.llmblender.orchestrator;

import dev.langchain4j.model.output.TokenUsage;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Everything that happened in one ensemble call: every member's outcome (in member order), the ranking of the
 * answers, what was chosen or fused, the timings of each stage, and what degraded. Maps iterate in insertion
 * order: scores and ranks in member order, stages in the order they ran. Immutable.
 *
 * @param outcomes every member's outcome, in member order
 * @param scores ranking score per answering member (higher is better); empty if ranking did not happen
 * @param ranks competition rank per answering member (1 = best)
 * @param chosen the member whose answer was returned, empty when the answer is a fusion or nothing answered
 * @param fusedFrom the members whose answers were fused, best first; empty without fusion
 * @param stages wall time of each stage: {@code members}, {@code rank}, {@code fuse}
 * @param notes what went wrong but did not stop the call, e.g. "ranking failed: …; returned the first answer"
 */
public record Trace(
        List<MemberOutcome> outcomes,
        Map<String, Float> scores,
        Map<String, Integer> ranks,
        Optional<String> chosen,
        List<String> fusedFrom,
        Map<String, Duration> stages,
        List<String> notes) {
    /**
     * Copies every list and map, keeping their order.
     *
     * @param outcomes every member's outcome, in member order
     * @param scores ranking score per answering member
     * @param ranks competition rank per answering member
     * @param chosen the member whose answer was returned
     * @param fusedFrom the members whose answers were fused, best first
     * @param stages wall time of each stage
     * @param notes what went wrong but did not stop the call
     */
    public Trace {
        outcomes = List.copyOf(outcomes);
        scores = ordered(scores);
        ranks = ordered(ranks);
        fusedFrom = List.copyOf(fusedFrom);
        stages = ordered(stages);
        notes = List.copyOf(notes);
    }

    /**
     * The members that answered, in member order.
     *
     * @return the answers
     */
    public List<MemberOutcome.Answered> answers() {
        return answered(outcomes);
    }

    static List<MemberOutcome.Answered> answered(List<MemberOutcome> outcomes) {
        return outcomes.stream()
                .filter(o -> o instanceof MemberOutcome.Answered)
                .map(o -> (MemberOutcome.Answered) o)
                .toList();
    }

    /**
     * Whether the answer is a fallback because ranking or fusion failed.
     *
     * @return true if a fallback answer was returned
     */
    public boolean degraded() {
        return !notes.isEmpty();
    }

    /**
     * Tokens reported by all answering members together; a member that reported none adds nothing.
     *
     * @return the summed input and output tokens
     */
    public TokenUsage tokenUsage() {
        int in = 0;
        int out = 0;
        for (MemberOutcome.Answered a : answers()) {
            in += Math.max(0, a.inputTokens());
            out += Math.max(0, a.outputTokens());
        }
        return new TokenUsage(in, out);
    }

    /** An unmodifiable copy that keeps the caller's order (member order, stage order); Map.copyOf would not. */
    private static <V> Map<String, V> ordered(Map<String, V> map) {
        return Collections.unmodifiableMap(new LinkedHashMap<>(map));
    }
}
