/**
 * Pointwise reward models: {@link io.llmblender.ranker.rm.DebertaRewardModel} scores each (source, candidate)
 * pair with a DeBERTa sequence classifier, as LLM-Blender's {@code deberta-rm} ranker type runs
 * OpenAssistant/reward-model-deberta-v3-large-v2.
 */
package io.llmblender.ranker.rm;
