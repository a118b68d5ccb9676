package io.llmblender.orchestrator;

/**
 * The ensemble's answer and how it came about.
 *
 * @param answer the answer returned: the chosen member's or the fusion
 * @param trace what happened to every member and stage
 */
public record BlendResult(String answer, Trace trace) {}
