package io.llmblender.orchestrator;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Everything that happened in one ensemble call: every member's outcome (in member order), the ranking of the
 * answers, what was chosen or fused, the timings of each stage, and what degraded. Immutable.
 *
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
    public Trace {
        outcomes = List.copyOf(outcomes);
        scores = Map.copyOf(scores);
        ranks = Map.copyOf(ranks);
        fusedFrom = List.copyOf(fusedFrom);
        stages = Map.copyOf(stages);
        notes = List.copyOf(notes);
    }

    /** The members that answered, in member order. */
    public List<MemberOutcome.Answered> answers() {
        return outcomes.stream()
                .filter(o -> o instanceof MemberOutcome.Answered)
                .map(o -> (MemberOutcome.Answered) o)
                .toList();
    }

    /** Whether the answer is a fallback because ranking or fusion failed. */
    public boolean degraded() {
        return !notes.isEmpty();
    }

    /** Tokens reported by all members together: input, output. */
    public int[] tokenUsage() {
        int in = 0;
        int out = 0;
        for (MemberOutcome.Answered a : answers()) {
            in += Math.max(0, a.inputTokens());
            out += Math.max(0, a.outputTokens());
        }
        return new int[] {in, out};
    }
}
