package io.llmblender.orchestrator.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmblender.orchestrator.BlendResult;
import io.llmblender.orchestrator.MemberOutcome;
import io.llmblender.orchestrator.Trace;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Which texts the {@code n} choices hold, for a chosen answer, a fusion, a tie and a failed member. */
class ChoicesTest {
    static MemberOutcome.Answered answered(String member) {
        return new MemberOutcome.Answered(member, "answer of " + member, Duration.ZERO, 1, 1, 1);
    }

    static BlendResult result(String answer, Optional<String> chosen, List<String> fusedFrom, Object... ranks) {
        Map<String, Integer> byMember = new LinkedHashMap<>();
        for (int i = 0; i < ranks.length; i += 2) {
            byMember.put((String) ranks[i], (Integer) ranks[i + 1]);
        }
        List<MemberOutcome> outcomes = List.of(
                answered("a"),
                answered("b"),
                new MemberOutcome.Failed("x", "IOException", "down", Duration.ZERO, 1),
                answered("c"));
        return new BlendResult(answer, new Trace(outcomes, Map.of(), byMember, chosen, fusedFrom, Map.of(), List.of()));
    }

    @Test
    void a_chosen_answer_comes_first_and_the_others_follow_by_rank_without_repeating_it() {
        BlendResult r = result("answer of b", Optional.of("b"), List.of(), "a", 3, "b", 1, "c", 2);
        assertThat(Choices.of(r, 3)).containsExactly("answer of b", "answer of c", "answer of a");
        assertThat(Choices.of(r, 1)).containsExactly("answer of b");
    }

    @Test
    void a_fusion_comes_first_and_every_member_follows_by_rank() {
        BlendResult r = result("fused", Optional.empty(), List.of("c", "a"), "a", 2, "b", 3, "c", 1);
        assertThat(Choices.of(r, 3)).containsExactly("fused", "answer of c", "answer of a");
    }

    @Test
    void ties_and_a_missing_ranking_keep_member_order_and_a_failed_member_leaves_fewer_choices() {
        BlendResult tied = result("answer of a", Optional.of("a"), List.of(), "a", 1, "b", 2, "c", 2);
        assertThat(Choices.of(tied, 4)).containsExactly("answer of a", "answer of b", "answer of c");
        BlendResult unranked = result("answer of a", Optional.of("a"), List.of());
        assertThat(Choices.of(unranked, 3)).containsExactly("answer of a", "answer of b", "answer of c");
    }
}
