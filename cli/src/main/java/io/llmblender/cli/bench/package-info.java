/** Benchmarks behind {@code blender bench}: figures are ratios to the machine's own matmul, measured in the same run. */
package io.llmblender.cli.bench;
