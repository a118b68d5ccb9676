/**
 * The ensemble's stages put together. Start at {@link io.llmblender.orchestrator.Blender}, which composes the
 * fan-out ({@code FanOut}), the selection and fusion steps ({@code SelectionStep}, {@code FusionStep}) and what they
 * read of a request ({@link io.llmblender.orchestrator.Prompt}); {@link io.llmblender.orchestrator.RankAndFuse} is
 * the ranker–fuser seam alone, {@link io.llmblender.orchestrator.BestOfNSampler} best-of-n with one model.
 */
package io.llmblender.orchestrator;
