package io.llmblender.examples;

import io.llmblender.fuser.genfuser.GenFuser;
import io.llmblender.orchestrator.RankAndFuse;
import io.llmblender.ranker.PairRanker;
import java.nio.file.Path;
import java.util.List;

/**
 * LLM-Blender end to end on given answers: PairRM ranks them, GenFuser fuses the best three.
 *
 * <p>Run: {@code java ... io.llmblender.examples.RankAndFuseCandidates <PairRM folder or hub id> <GenFuser folder>}.
 */
public final class RankAndFuseCandidates {
    private RankAndFuseCandidates() {}

    /**
     * Ranks four answers to "What is the capital of France?" with PairRM and fuses the best three with GenFuser,
     * printing which answers were fused and the fused text.
     *
     * @param args the PairRM folder or hub id, then the GenFuser folder
     */
    public static void main(String[] args) {
        if (args.length < 2) {
            System.err.println("usage: RankAndFuseCandidates <PairRM folder or hub id> <GenFuser folder>");
            System.exit(2);
        }
        List<String> answers = List.of(
                "Paris.",
                "The capital of France is Paris, which is also its largest city.",
                "I think it is Lyon.",
                "France's capital is Paris.");
        try (PairRanker ranker = PairRanker.load(args[0]);
                GenFuser fuser = GenFuser.load(Path.of(args[1]))) {
            RankAndFuse.Result r =
                    new RankAndFuse(ranker, fuser).rankAndFuse(null, "What is the capital of France?", answers);
            System.out.println("fused from " + r.fused());
            System.out.println(r.fusion().text());
        }
    }
}
