package io.llmblender.fuser;

import java.time.Duration;

/**
 * One fused answer: the text, how many tokens the fuser generated (-1 if it cannot tell), how long it took and
 * which fuser made it.
 *
 * @param text the fused answer
 * @param generatedTokens tokens generated, or -1 if the fuser cannot tell
 * @param elapsed the fusion's wall time
 * @param fuser which fuser made it, e.g. {@code GenFuser} or {@code ChatModelFuser(streaming)}
 */
public record FusionResult(String text, int generatedTokens, Duration elapsed, String fuser) {}
