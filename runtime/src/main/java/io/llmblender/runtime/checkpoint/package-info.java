/**
 * Checkpoint readers: memory-mapped safetensors ({@link io.llmblender.runtime.checkpoint.SafetensorsFile}),
 * sharded indexes, PyTorch zips through a restricted unpickler, and the key check of
 * {@link io.llmblender.runtime.checkpoint.StateDict}. Start at {@link io.llmblender.runtime.checkpoint.TensorSource}.
 * The only code in the project that parses weight files, and every file is untrusted: a malformed or hostile one
 * is a {@link io.llmblender.runtime.checkpoint.CheckpointException}, never a crash, a hang or an unbounded
 * allocation, and no byte reaches DJL in a type its engine cannot hold.
 */
package io.llmblender.runtime.checkpoint;
