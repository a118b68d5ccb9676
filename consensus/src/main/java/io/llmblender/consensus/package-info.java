/** The offline consensus (minimum-Bayes-risk) baseline ranker: {@link io.llmblender.consensus.ConsensusRanker}. */
package io.llmblender.consensus;
