package io.llmblender.orchestrator.server;

import io.llmblender.orchestrator.BlendResult;
import io.llmblender.orchestrator.MemberOutcome;
import io.llmblender.orchestrator.Trace;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The texts of {@code n} choices: the ensemble's answer first (the chosen or the fused one), then the other
 * members' answers best first by the ranking (member order where it tied or did not happen). Fewer than {@code n}
 * when fewer members answered. Stateless.
 */
final class Choices {
    private Choices() {}

    static List<String> of(BlendResult result, int n) {
        Trace trace = result.trace();
        List<String> texts = new ArrayList<>(List.of(result.answer()));
        List<MemberOutcome.Answered> others = new ArrayList<>(trace.answers());
        others.removeIf(a -> trace.chosen().filter(a.member()::equals).isPresent());
        // a stable sort: equal ranks (and no ranks at all) keep member order
        others.sort(Comparator.comparingInt(a -> trace.ranks().getOrDefault(a.member(), Integer.MAX_VALUE)));
        for (MemberOutcome.Answered a : others) {
            if (texts.size() == n) {
                break;
            }
            texts.add(a.text());
        }
        return texts;
    }
}
