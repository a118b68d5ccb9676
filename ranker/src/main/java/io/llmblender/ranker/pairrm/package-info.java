/**
 * PairRM: the model ({@link io.llmblender.ranker.pairrm.PairRm}), its head and its configuration. The pass of
 * spec §1.3 reads top to bottom in {@code PairRm.forward}.
 */
package io.llmblender.ranker.pairrm;
