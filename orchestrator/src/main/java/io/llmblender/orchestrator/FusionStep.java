package io.llmblender.orchestrator;

import io.llmblender.fuser.Fuser;
import io.llmblender.fuser.FusionRequest;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The fusion stage: fuses the best {@code topK} answers into one (LLM-Blender's GenFuser step, spec §4) within its
 * budget, streaming the fusion if asked. If the fuser fails or the budget is spent the result carries a note: the
 * caller then keeps the top-ranked answer, unless part of the fusion was already streamed; then the result is
 * {@link Result#cut() cut} and the caller ends the stream with an error, since a fallback sent after a partial
 * fusion would read as one answer glued to another. Thread-safe if the fuser is.
 */
final class FusionStep {
    private static final Logger LOG = LoggerFactory.getLogger(FusionStep.class);

    /**
     * @param text the fusion (or the part streamed before it stopped), or null if there is none
     * @param fusedFrom the members whose answers were fused, best first
     * @param note what went wrong, or null
     * @param cut whether the fusion failed after part of it was streamed ({@code text} is that part)
     */
    record Result(String text, List<String> fusedFrom, String note, boolean cut) {}

    private final Fuser fuser;
    private final int topK;
    private final StageRunner runner;
    private final Duration budget;

    FusionStep(Fuser fuser, int topK, StageRunner runner, Duration budget) {
        this.fuser = fuser;
        this.topK = topK;
        this.runner = runner;
        this.budget = budget;
    }

    int topK() {
        return topK;
    }

    /**
     * Fuses the first {@code topK} of {@code ordered} (best first); {@code tokens} may be null.
     *
     * @throws InterruptedException if the caller is interrupted while the fuser runs
     */
    Result fuse(Prompt prompt, List<MemberOutcome.Answered> ordered, Consumer<String> tokens)
            throws InterruptedException {
        List<MemberOutcome.Answered> top = ordered.subList(0, Math.min(topK, ordered.size()));
        List<String> members = top.stream().map(MemberOutcome.Answered::member).toList();
        FusionRequest fusion =
                prompt.fusion(top.stream().map(MemberOutcome.Answered::text).toList());
        Stream stream = tokens == null ? null : new Stream(tokens);
        String problem;
        try (Deadline deadline = runner.deadline(budget)) {
            Optional<String> text = runner.run(
                    deadline, () -> (stream == null ? fuser.fuse(fusion) : fuser.fuse(fusion, stream)).text(), () -> {
                        if (stream != null) {
                            stream.close();
                        }
                    });
            if (text.isPresent()) {
                return new Result(text.get(), members, null, false);
            }
            problem = "fusion did not finish within its budget of " + budget;
        } catch (RuntimeException e) {
            LOG.warn("fusion failed: {}", e.toString());
            problem = "fusion failed (" + e.getClass().getSimpleName() + ": " + e.getMessage() + ")";
        }
        String sent = stream == null ? "" : stream.close();
        return sent.isEmpty()
                ? new Result(null, List.of(), problem + "; returned the top-ranked answer", false)
                : new Result(sent, members, problem + " after part of it was streamed", true);
    }

    /** The caller's consumer until the stage is over; nothing reaches it afterwards. */
    private static final class Stream implements Consumer<String> {
        private final Consumer<String> tokens;
        private final StringBuilder sent = new StringBuilder();
        private boolean open = true;

        Stream(Consumer<String> tokens) {
            this.tokens = tokens;
        }

        @Override
        public synchronized void accept(String piece) {
            if (!open) {
                throw new CancellationException("the fusion's budget is spent");
            }
            tokens.accept(piece);
            sent.append(piece);
        }

        /** Stops the stream; what it passed on. */
        synchronized String close() {
            open = false;
            return sent.toString();
        }
    }
}
