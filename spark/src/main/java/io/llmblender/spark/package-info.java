/**
 * Ranking preference datasets with PairRM on Apache Spark: {@link io.llmblender.spark.SparkRanker} ranks a
 * {@code Dataset<Row>} of the batch-file record format partition by partition, with the model loaded once per
 * executor JVM ({@link io.llmblender.spark.ExecutorModels}); {@link io.llmblender.spark.SparkRankJob} is the
 * resumable file job behind {@code blender spark rank}, with its DPO export.
 */
package io.llmblender.spark;
