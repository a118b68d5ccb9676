/**
 * Ensemble members from configuration: {@link io.llmblender.adapters.EnsembleConfig} (the file),
 * {@link io.llmblender.adapters.MemberSpec} and {@link io.llmblender.adapters.Members} (spec → langchain4j
 * ChatModel). Guards are in {@code guard}, recorded members in {@code replay}.
 */
package io.llmblender.adapters;
