package io.llmblender.spark;

import io.llmblender.batch.BatchFile;
import org.apache.spark.sql.SparkSession;

/**
 * Runs a {@link SparkRankJob} on a SparkSession this JVM starts: Spark embedded in local mode ({@code local[2]}:
 * two task threads, one shared model), no Spark installation needed. Under {@code spark-submit} the master and
 * the rest of the configuration come from the submission instead.
 */
public final class EmbeddedSpark {
    private EmbeddedSpark() {}

    /**
     * Starts a session, runs the job and stops the session.
     *
     * @param job the job
     * @param master a Spark master URL ({@code local[2]}, {@code spark://host:7077}, ...), or null for the one
     *     {@code spark-submit} configured (local[2] when there is none)
     * @return the job's summary
     */
    public static BatchFile.Summary run(SparkRankJob job, String master) {
        SparkSession.Builder builder =
                SparkSession.builder().appName("blender spark rank").config("spark.ui.enabled", "false");
        String chosen = master != null ? master : System.getProperty("spark.master") == null ? "local[2]" : null;
        if (chosen != null) {
            builder.master(chosen);
        }
        if (chosen != null && chosen.startsWith("local")) {
            // everything stays in this JVM: bind to the loopback, whatever the host name resolves to
            builder.config("spark.driver.bindAddress", "127.0.0.1").config("spark.driver.host", "localhost");
        }
        SparkSession spark = builder.getOrCreate();
        try {
            return job.run(spark);
        } finally {
            spark.stop();
        }
    }
}
