package io.llmblender.fuser;

import java.time.Duration;

/**
 * One fused answer: the text, how many tokens the fuser generated (-1 if it cannot tell), how long it took and
 * which fuser made it.
 */
public record FusionResult(String text, int generatedTokens, Duration elapsed, String fuser) {}
