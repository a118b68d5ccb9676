package io.llmblender.cli.command;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.llmblender.cli.option.CandidatesOption;
import io.llmblender.cli.option.FuserOption;
import io.llmblender.cli.option.InputOptions;
import io.llmblender.fuser.Fuser;
import io.llmblender.fuser.FusionPrompt;
import io.llmblender.fuser.FusionRequest;
import io.llmblender.fuser.FusionResult;
import io.llmblender.fuser.genfuser.GenFuser;
import io.llmblender.fuser.t5.BeamSearch;
import io.llmblender.orchestrator.RankAndFuse;
import io.llmblender.ranker.PairRanker;
import io.llmblender.ranker.PairRankerOptions;
import io.llmblender.ranker.pairrm.PairRmOptions;
import io.llmblender.runtime.BlenderException;
import io.llmblender.runtime.kernel.Precision;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code blender fuse}: one answer from the best candidates. */
@Command(
        name = "fuse",
        mixinStandardHelpOptions = true,
        description = "Fuses the best candidate answers into one, with GenFuser or a chat model. The candidates are"
                + " taken as ranked best first, or ranked with --ranker first.")
public final class FuseCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @CommandLine.Mixin
    FuserOption fuserOption;

    @CommandLine.Mixin
    InputOptions prompt;

    @CommandLine.Mixin
    CandidatesOption candidates;

    @Option(
            names = {"--model", "--ranker"},
            paramLabel = "DIR_OR_HUB_ID",
            description = "rank the candidates with this PairRM first (--ranker is the older name)")
    String ranker;

    @Option(
            names = "--ranker-precision",
            defaultValue = "auto",
            paramLabel = "P",
            description = "the ranker's matmul precision: fp32 (exact), bf16 (refused without bf16 matrix units), auto"
                    + " (default: bf16 where the CPU has amx_bf16 or avx512_bf16, else fp32)")
    String rankerPrecision;

    @Option(
            names = "--top-k",
            defaultValue = "3",
            description = "fuse the best K candidates (default: ${DEFAULT-VALUE})")
    int topK;

    @Option(
            names = "--beams",
            defaultValue = "4",
            description = "GenFuser beam width; 1 is greedy (default: ${DEFAULT-VALUE})")
    int beams;

    @Option(
            names = "--max-new-tokens",
            defaultValue = "128",
            description = "GenFuser output limit (default: ${DEFAULT-VALUE})")
    int maxNewTokens;

    @Option(names = "--json", description = "print JSON instead of text")
    boolean json;

    @Override
    public Integer call() throws Exception {
        if (topK < 1 || beams < 1 || maxNewTokens < 1) {
            throw new CommandLine.ParameterException(
                    spec.commandLine(), "--top-k, --beams and --max-new-tokens must be >= 1");
        }
        // checked before the fuser loads, so a typo costs no model load
        PairRankerOptions rankerOptions = PairRankerOptions.DEFAULT.withModel(
                PairRmOptions.DEFAULT.withPrecision(Precision.parse(rankerPrecision, "--ranker-precision")));
        List<String> texts = candidates.read();
        prompt.input(); // refused before the models load
        PrintWriter err = spec.commandLine().getErr();
        GenFuser.Options options = new GenFuser.Options(
                FusionPrompt.CANDIDATE_MAX_LENGTH,
                FusionPrompt.MAX_LENGTH,
                new BeamSearch.Options(beams, 1, 1.0, false, maxNewTokens));
        Fuser fuser = fuserOption.load(err, options);
        try {
            List<String> fused;
            FusionResult result;
            try {
                if (ranker != null) {
                    try (PairRanker pairRm = PairRanker.load(ranker, rankerOptions)) {
                        RankAndFuse.Result r = new RankAndFuse(pairRm, fuser, topK)
                                .rankAndFuse(prompt.instruction, prompt.input(), texts);
                        fused = r.fused();
                        result = r.fusion();
                    }
                } else {
                    fused = texts.subList(0, Math.min(topK, texts.size()));
                    result = fuser.fuse(new FusionRequest(prompt.instruction, prompt.input(), fused));
                }
            } catch (BlenderException | IllegalArgumentException e) {
                throw e;
            } catch (RuntimeException e) {
                // a provider's failure (HTTP 500, a refused connection): name the fuser; the handler adds the cause
                throw new BlenderException("--fuser " + fuserOption.fuser + " failed", e);
            }
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("text", result.text());
                m.put("fused_candidates", fused);
                m.put("fuser", result.fuser());
                m.put("generated_tokens", result.generatedTokens());
                m.put("seconds", result.elapsed().toNanos() / 1e9);
                out.println(new ObjectMapper().writeValueAsString(m));
            } else {
                out.println(result.text());
            }
            out.flush();
            return 0;
        } finally {
            if (fuser instanceof AutoCloseable closeable) {
                closeable.close();
            }
        }
    }
}
