package io.llmblender.ranker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.llmblender.ranker.pairrm.PairRmFixture;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Runs the README's Java snippet of "Ranking answers with PairRM" on the end-to-end fixture's model, and checks that
 * the README still shows exactly this code: the block between the markers below is compared with the README's, with
 * the hub id standing for the fixture folder. Expected values are the fixture's {@code readme_rank} and
 * {@code readme_compare} cases (the reference's outputs) or independent computations through another API path.
 */
class ReadmeSnippetTest {
    static final Path SOURCE = Path.of("src/test/java/io/llmblender/ranker/ReadmeSnippetTest.java");

    @Test
    void the_readme_snippet_runs_and_gives_the_reference_results() {
        String folder =
                PairRmFixture.folder("pairrm.e2e", "fixtures/pairrm-e2e").toString();
        // README-BEGIN
        try (RankingModel ranker = RankingModels.load(folder)) {
            Ranking r = ranker.rank("hello, how are you!", List.of("get out!", "hi! I am fine, thanks!", "bye!"));
            r.ranks();
            r.best(2);
            Comparison c = ranker.compare("hello!", "hi!", "f**k off!", CompareMode.BOTH);
            c.aBetter();
            Item item = new Item("hello, how are you!", List.of("get out!", "hi! I am fine, thanks!", "bye!"));
            Selection best = ranker.selector(Strategy.KNOCKOUT).select(item, 1);
            float[] rewards = ranker.rewards(item);
            Ranking chats = ranker.rankConversations(List.of(
                    List.of(Turn.user("Hi!"), Turn.assistant("Hello! How can I help?")),
                    List.of(Turn.user("Hi!"), Turn.assistant("What do you want?"))));
            // README-END
            assertThat(r.ranks()).containsExactly(2, 3, 1); // readme_rank, input 0
            assertThat(r.best(2)).containsExactly("bye!", "get out!");
            assertThat(c.logit()).isCloseTo(-0.23314953f, within(5e-6f)); // readme_compare, [A,B]+[B,A]
            assertThat(c.aBetter()).isFalse();
            // Candidate 2 wins both orders against each other one in the fixture's matrix: every duel picks it.
            assertThat(best.bestIndex()).isEqualTo(2);
            assertThat(rewards).containsExactly(new float[] {0.10870769f, -0.3776432f, 0.26893547f}, within(5e-6f));
            float margin = ranker.compareConversations(
                            List.of(List.of(Turn.user("Hi!"), Turn.assistant("Hello! How can I help?"))),
                            List.of(List.of(Turn.user("Hi!"), Turn.assistant("What do you want?"))),
                            CompareMode.BOTH)
                    .get(0)
                    .logit();
            assertThat(chats.ranks()).containsExactly(margin > 0 ? 1 : 2, margin > 0 ? 2 : 1);
        }
        // README-BEGIN
        try (PairRanker pairRm = PairRanker.load(folder)) {
            Item item = new Item("hello, how are you!", List.of("get out!", "hi! I am fine, thanks!", "bye!"));
            List<Ranking> withRef = pairRm.rankWithReference(List.of(item), ReferenceMode.LONGEST);
            // README-END
            String ref = "hi! I am fine, thanks!";
            for (int i = 0; i < 3; i++) {
                float both = pairRm.compare(item.input(), item.candidates().get(i), ref, CompareMode.BOTH)
                        .logit();
                assertThat(withRef.get(0).scores()[i]).as("reward of %d", i).isCloseTo(both, within(1e-5f));
            }
        }
    }

    @Test
    void the_readme_shows_this_code() throws IOException {
        String readme = Files.readString(Path.of("../README.md"));
        int section = readme.indexOf("## Ranking answers with PairRM");
        Matcher block = Pattern.compile("```java\n(.*?)```", Pattern.DOTALL).matcher(readme);
        assertThat(block.find(section))
                .as("a java block in the ranking section")
                .isTrue();
        List<String> shown = codeLines(block.group(1));
        List<String> tested = codeLines(markedBlocks(Files.readString(SOURCE))).stream()
                .map(line -> line.replace("(folder)", "(\"llm-blender/PairRM-hf\")"))
                .toList();
        assertThat(shown).containsExactlyElementsOf(tested);
    }

    /** The code between this file's README markers, in order. */
    private static String markedBlocks(String source) {
        StringBuilder out = new StringBuilder();
        Matcher m = Pattern.compile("// README-BEGIN\n(.*?)// README-END", Pattern.DOTALL)
                .matcher(source);
        while (m.find()) {
            out.append(m.group(1));
        }
        return out.toString();
    }

    /**
     * Code lines without comments and indentation, and without the lines that only close a block (the README
     * closes its try blocks; the test's assertions run inside them).
     */
    private static List<String> codeLines(String code) {
        return code.lines()
                .map(line -> line.replaceAll("\\s*//.*$", "").strip())
                .filter(line -> !line.isEmpty() && !line.equals("}"))
                .toList();
    }
}
