/** {@code blender bench spark}: the same rows ranked in one process and on Spark, with a random mid-size PairRM. */
package io.llmblender.spark.bench;
