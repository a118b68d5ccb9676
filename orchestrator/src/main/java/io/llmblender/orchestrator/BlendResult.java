package io.llmblender.orchestrator;

/** The ensemble's answer and how it came about. */
public record BlendResult(String answer, Trace trace) {}
