/** Metrics: {@link io.llmblender.eval.metric.Agreement} with human labels. */
package io.llmblender.eval.metric;
