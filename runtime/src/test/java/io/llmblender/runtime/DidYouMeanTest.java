package io.llmblender.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class DidYouMeanTest {
    static final List<String> MODES = List.of("longest", "shortest", "median_length", "first", "last");

    @Test
    void a_slip_of_a_few_letters_or_a_cut_short_name_finds_the_name_meant() {
        assertThat(DidYouMean.nearest("longst", MODES)).contains("longest");
        assertThat(DidYouMean.nearest("median", MODES)).contains("median_length");
        assertThat(DidYouMean.nearest("frist", MODES)).contains("first");
    }

    @Test
    void a_name_far_from_every_known_one_gets_no_suggestion() {
        assertThat(DidYouMean.nearest("random", MODES)).isEmpty();
        assertThat(DidYouMean.nearest("x", List.of())).isEmpty();
    }

    @Test
    void distance_counts_insertions_deletions_and_substitutions() {
        assertThat(DidYouMean.distance("kitten", "sitting")).isEqualTo(3);
        assertThat(DidYouMean.distance("", "abc")).isEqualTo(3);
        assertThat(DidYouMean.distance("same", "same")).isZero();
    }
}
