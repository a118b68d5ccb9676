/**
 * The ensemble's stages put together. Today: {@link io.llmblender.orchestrator.RankAndFuse}, the ranker–fuser seam;
 * the {@code Blender} fan-out comes next.
 */
package io.llmblender.orchestrator;
