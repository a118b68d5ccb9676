/** The offline consensus (minimum-Bayes-risk) baseline ranker: {@link io.llmblender.ranker.consensus.ConsensusRanker}. */
package io.llmblender.ranker.consensus;
