/**
 * The T5 / Flan-T5 encoder-decoder on DJL: {@link io.llmblender.fuser.t5.T5Model} (start here), its attention and
 * relative positions, and {@link io.llmblender.fuser.t5.BeamSearch} with Hugging Face semantics.
 */
package io.llmblender.fuser.t5;
