/** Small runnable programs, one per README use case: start with {@link io.llmblender.examples.RankCandidates}. */
package io.llmblender.examples;
