package io.llmblender.ranker;

/**
 * A pair scorer's logit for one ordered pair of candidates: {@code f(first, second) > 0} means {@code first} is
 * the better answer. Selections keep every verdict they asked for, so a trace (or a DPO margin) can reuse them.
 *
 * @param first the candidate in slot 1
 * @param second the candidate in slot 2
 * @param logit {@code f(first, second)}
 */
public record Verdict(int first, int second, float logit) {}
