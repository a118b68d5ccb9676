/**
 * Batch files: the JSONL record format of {@code blender rank --batch} and {@code compare --batch}, which the
 * Spark job reads too; the ranking of many records in chunks the ranker packs by its token budget; and the
 * resumable run over a file (ids already written are skipped, a torn last line is redone, bad lines go to an
 * errors file with their reason).
 */
package io.llmblender.batch;
