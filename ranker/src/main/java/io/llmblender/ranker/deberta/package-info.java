/**
 * The DeBERTa-v2/v3 encoder on DJL's PyTorch engine, one file per part of the paper (He et al., 2021): start at
 * {@link io.llmblender.ranker.deberta.DebertaV2Encoder}, then {@code DebertaV2Layer} and
 * {@code DisentangledSelfAttention}. Appendix A of the behaviour spec is the reference.
 */
package io.llmblender.ranker.deberta;
