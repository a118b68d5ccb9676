/**
 * Checkpoint readers: memory-mapped safetensors ({@link io.llmblender.runtime.checkpoint.SafetensorsFile}),
 * sharded indexes, PyTorch zips through a restricted unpickler, and the key check of
 * {@link io.llmblender.runtime.checkpoint.StateDict}. Start at {@link io.llmblender.runtime.checkpoint.TensorSource}.
 * The only code in the project that parses weight files.
 */
package io.llmblender.runtime.checkpoint;
