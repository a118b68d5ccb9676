/** Benchmark loaders: {@link io.llmblender.eval.data.Benchmarks}, over a {@link io.llmblender.eval.data.DataDirectory}. */
package io.llmblender.eval.data;
