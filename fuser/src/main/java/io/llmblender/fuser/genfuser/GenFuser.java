package io.llmblender.fuser.genfuser;

import io.llmblender.fuser.Fuser;
import io.llmblender.fuser.FusionPrompt;
import io.llmblender.fuser.FusionRequest;
import io.llmblender.fuser.FusionResult;
import io.llmblender.fuser.t5.BeamSearch;
import io.llmblender.fuser.t5.DecodingProgress;
import io.llmblender.fuser.t5.GreedySearch;
import io.llmblender.fuser.t5.StreamedTokens;
import io.llmblender.fuser.t5.T5Model;
import io.llmblender.runtime.ComputeDevice;
import io.llmblender.runtime.kernel.Precision;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * GenFuser (llm-blender/gen_fuser_3b, a Flan-T5-XL fine-tune) on DJL: the fusion text of {@link FusionPrompt},
 * the T5 model, beam search (4 beams, up to {@code candidate_maxlength} = 128 new tokens, as
 * {@code Blender.fuse}) or greedy decoding, and the decode with transformers' clean-up.
 *
 * <pre>{@code
 * try (GenFuser fuser = GenFuser.load(Path.of("models/gen_fuser_3b"), Precision.AUTO)) {
 *     String fused = fuser.fuse(new FusionRequest("hello", List.of("hi!", "bye"))).text();
 * }
 * }</pre>
 *
 * <p>Precision: the reference runs GenFuser in bf16 by default, on CPU too (spec §4.1, §7.1), so the default
 * here, {@code AUTO}, is bf16 where the CPU has bf16 matrix units ({@code amx_bf16}, {@code avx512_bf16}) and fp32
 * after one warning where it has none. {@code FP32} is the exact path the parity fixtures check; {@code BF16}
 * asked for explicitly is refused on a CPU without bf16 units (it would be slower than fp32 there).
 *
 * Thread-safe; {@link #close()} frees the model and the tokenizer.
 */
public final class GenFuser implements Fuser, AutoCloseable {
    /**
     * Decoding knobs; defaults from the reference ({@code GenFuserConfig}, {@code fuse}).
     *
     * @param candidateMaxLength the most tokens kept of each candidate ({@code candidate_maxlength}, 128)
     * @param maxLength the most encoder tokens in all ({@code max_length}, 1024)
     * @param beam the beam search's options; one beam means greedy decoding
     */
    public record Options(int candidateMaxLength, int maxLength, BeamSearch.Options beam) {
        /**
         * The reference's settings: 128 tokens per candidate, 1024 in all, beam search with 4 beams and 128 new tokens.
         *
         * @return the options
         */
        public static Options defaults() {
            return new Options(
                    FusionPrompt.CANDIDATE_MAX_LENGTH,
                    FusionPrompt.MAX_LENGTH,
                    BeamSearch.Options.genFuser(FusionPrompt.CANDIDATE_MAX_LENGTH));
        }

        /**
         * Greedy decoding is beam search with one beam.
         *
         * @return true when {@code beam.numBeams()} is 1
         */
        public boolean greedy() {
            return beam.numBeams() == 1;
        }
    }

    private final T5Model model;
    private final FlanT5Tokenizer tokenizer;
    private final Options options;
    private final DecodingProgress progress;

    private GenFuser(T5Model model, FlanT5Tokenizer tokenizer, Options options, DecodingProgress progress) {
        this.model = model;
        this.tokenizer = tokenizer;
        this.options = options;
        this.progress = progress;
    }

    /**
     * As {@link #load(Path, Precision)} in the machine's best precision ({@code AUTO}, as the reference's bf16);
     * Python {@code Blender.loadfuser(fuser_path)} for a local path.
     *
     * @param folder the GenFuser folder
     * @return the loaded fuser; the caller closes it
     */
    public static GenFuser load(Path folder) {
        return load(folder, Precision.AUTO);
    }

    /**
     * Loads a GenFuser folder: config.json, the weights (safetensors, shards or .bin) and tokenizer.json, with the
     * matmuls in {@code precision} ({@code FP32}, {@code BF16} or {@code AUTO}; see the class comment).
     *
     * @param folder the GenFuser folder
     * @param precision the matmuls' precision
     * @return the loaded fuser; the caller closes it
     */
    public static GenFuser load(Path folder, Precision precision) {
        return load(folder, precision, ComputeDevice.CPU);
    }

    /**
     * As {@link #load(Path, Precision)}, with the model on {@code device}.
     *
     * @param folder the GenFuser folder
     * @param precision the matmuls' precision (bf16 is refused on a GPU: the bf16 kernel is the CPU's)
     * @param device {@code CPU}, {@code GPU} (refused where the engine sees none) or {@code AUTO}
     * @return the loaded fuser; the caller closes it
     */
    public static GenFuser load(Path folder, Precision precision, ComputeDevice device) {
        Path weights = GenFuserFolder.weights(folder);
        FlanT5Tokenizer tokenizer = FlanT5Tokenizer.load(folder);
        try {
            return new GenFuser(
                    T5Model.load(folder.resolve("config.json"), weights, precision, device),
                    tokenizer,
                    Options.defaults(),
                    DecodingProgress.NONE);
        } catch (RuntimeException e) {
            tokenizer.close();
            throw e;
        }
    }

    /**
     * Downloads (once) a GenFuser repository through {@code hub} and loads it: {@code config.json},
     * {@code tokenizer.json}, and the weights, as shards when the repository has a
     * {@code model.safetensors.index.json} (the 3B GenFuser does), else {@code model.safetensors}; in the machine's
     * best precision ({@code AUTO}). Python {@code Blender.loadfuser("llm-blender/gen_fuser_3b")}.
     *
     * @param repoId the hub id, e.g. {@code llm-blender/gen_fuser_3b}
     * @param hub the client to download with
     * @return the loaded fuser; the caller closes it
     */
    public static GenFuser fromHub(String repoId, io.llmblender.runtime.hub.HubClient hub) {
        return fromHub(repoId, hub, Precision.AUTO, ComputeDevice.CPU);
    }

    /**
     * As {@link #fromHub(String, io.llmblender.runtime.hub.HubClient)}, with the matmuls in {@code precision} and
     * the model on {@code device}, as {@link #load(Path, Precision, ComputeDevice)}.
     *
     * @param repoId the hub id, e.g. {@code llm-blender/gen_fuser_3b}
     * @param hub the client to download with
     * @param precision the matmuls' precision
     * @param device where the model lives
     * @return the loaded fuser; the caller closes it
     */
    public static GenFuser fromHub(
            String repoId, io.llmblender.runtime.hub.HubClient hub, Precision precision, ComputeDevice device) {
        return load(GenFuserFolder.download(repoId, hub), precision, device);
    }

    /**
     * The same fuser with other options (shares the model).
     *
     * @param newOptions the decoding options
     * @return a view sharing this fuser's model
     */
    public GenFuser withOptions(Options newOptions) {
        return new GenFuser(model, tokenizer, newOptions, progress);
    }

    /**
     * The same fuser reporting each decoder step (greedy or beam) to {@code newProgress}.
     *
     * @param newProgress told after each decoder step
     * @return a view sharing this fuser's model
     */
    public GenFuser withProgress(DecodingProgress newProgress) {
        return new GenFuser(model, tokenizer, options, newProgress);
    }

    @Override
    public FusionResult fuse(FusionRequest request) {
        return fuse(List.of(request)).get(0);
    }

    /** Fuses a batch: the inputs are right-padded together and decoded in one search. */
    @Override
    public List<FusionResult> fuse(List<FusionRequest> requests) {
        long start = System.nanoTime();
        List<long[]> ids = new ArrayList<>();
        for (FusionRequest r : requests) {
            ids.add(inputIds(r));
        }
        List<long[]> outputs = generate(ids);
        Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
        List<FusionResult> out = new ArrayList<>();
        for (long[] o : outputs) {
            out.add(new FusionResult(tokenizer.decode(o, true), generated(o), elapsed, "GenFuser"));
        }
        return out;
    }

    /**
     * With greedy options, streams the decoded text step by step (each piece is what the new token added to the
     * decode). Beam search cannot know its output before it ends (Hugging Face does not stream it either), so
     * with beams the whole text comes at the end.
     */
    @Override
    public FusionResult fuse(FusionRequest request, java.util.function.Consumer<String> tokens) {
        if (!options.greedy()) {
            return Fuser.super.fuse(request, tokens);
        }
        long start = System.nanoTime();
        long[] out = GreedyStream.decode(
                model, tokenizer, inputIds(request), options.beam().maxNewTokens(), progress, tokens);
        String text = tokenizer.decode(out, true);
        return new FusionResult(text, generated(out), Duration.ofNanos(System.nanoTime() - start), "GenFuser");
    }

    /** The tokens generated: the output without its decoder start and padding. */
    private int generated(long[] output) {
        return (int) Arrays.stream(output)
                .skip(1)
                .filter(t -> t != model.config().padTokenId())
                .count();
    }

    /**
     * The encoder input of one request (the fusion text's ids, truncated).
     *
     * @param r the request
     * @return the encoder's input ids
     */
    public long[] inputIds(FusionRequest r) {
        return FusionPrompt.inputIds(
                tokenizer,
                r.instruction(),
                r.input(),
                r.candidates(),
                options.candidateMaxLength(),
                options.maxLength());
    }

    /**
     * Output ids (decoder start first) for each encoder input, greedy or beam per the options.
     *
     * @param inputIds one encoder input per request
     * @return the generated ids of each, decoder start first
     */
    public List<long[]> generate(List<long[]> inputIds) {
        int width = inputIds.stream().mapToInt(a -> a.length).max().orElse(0);
        long[][] ids = new long[inputIds.size()][width];
        long[][] mask = new long[inputIds.size()][width];
        for (int r = 0; r < ids.length; r++) {
            long[] row = inputIds.get(r);
            System.arraycopy(row, 0, ids[r], 0, row.length);
            Arrays.fill(mask[r], 0, row.length, 1L);
        }
        if (options.greedy()) {
            GreedySearch greedy = new GreedySearch(model, options.beam().maxNewTokens(), true);
            return Arrays.asList(
                    greedy.search(ids, mask, StreamedTokens.NONE, progress).ids());
        }
        List<long[]> out = new ArrayList<>();
        for (List<BeamSearch.Sequence> best : new BeamSearch(model, options.beam()).search(ids, mask, progress)) {
            out.add(best.get(0).ids());
        }
        return out;
    }

    /**
     * The Flan-T5 tokenizer this fuser encodes and decodes with.
     *
     * @return the tokenizer, owned by this fuser
     */
    public FlanT5Tokenizer tokenizer() {
        return tokenizer;
    }

    /**
     * The T5 model this fuser runs.
     *
     * @return the model, owned by this fuser
     */
    public T5Model model() {
        return model;
    }

    /**
     * The precision the fuser's matmuls run in.
     *
     * @return {@code FP32} or {@code BF16} (never {@code AUTO})
     */
    public Precision precision() {
        return model.precision();
    }

    @Override
    public void close() {
        model.close();
        tokenizer.close();
    }
}
