/**
 * The T5 / Flan-T5 encoder-decoder on DJL, one file per Hugging Face class: start at
 * {@link io.llmblender.fuser.t5.T5Model}, then {@code T5Stack}, {@code T5Block} and its sublayers
 * ({@code T5LayerSelfAttention}, {@code T5LayerCrossAttention}, {@code T5LayerFF}), {@code T5Attention} and the
 * {@code EncoderDecoderCache}. {@link io.llmblender.fuser.t5.GreedySearch} and
 * {@link io.llmblender.fuser.t5.BeamSearch} decode with Hugging Face semantics.
 */
package io.llmblender.fuser.t5;
