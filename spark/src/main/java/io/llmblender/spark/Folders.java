package io.llmblender.spark;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;

/**
 * The job's folders through Hadoop's file system API, as Spark itself reads and writes them: a local path, or
 * {@code hdfs://}, {@code s3a://} and any other scheme the session's Hadoop configuration knows.
 */
final class Folders {
    private Folders() {}

    /** Whether {@code dir} exists (a round killed before its commit left only {@code _temporary}, which readers skip). */
    static boolean exists(SparkSession spark, String dir) {
        Path p = new Path(dir);
        try {
            return fs(spark, p).exists(p);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot look at " + dir + ": " + e.getMessage(), e);
        }
    }

    /** The data files in {@code dir} now (not {@code _SUCCESS}, {@code _temporary} or hidden files). */
    static String[] dataFiles(SparkSession spark, String dir) {
        Path p = new Path(dir);
        List<String> out = new ArrayList<>();
        try {
            for (FileStatus f : fs(spark, p).listStatus(p)) {
                String name = f.getPath().getName();
                if (f.isFile() && !name.startsWith("_") && !name.startsWith(".")) {
                    out.add(f.getPath().toString());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir + ": " + e.getMessage(), e);
        }
        return out.toArray(new String[0]);
    }

    /** Whether the input is Parquet: named so, or a folder of {@code .parquet} files. */
    static boolean isParquet(SparkSession spark, String input) {
        if (input.endsWith(".parquet")) {
            return true;
        }
        Path p = new Path(input);
        try {
            FileSystem fs = fs(spark, p);
            if (!fs.exists(p)) {
                throw new IllegalArgumentException(
                        "--batch " + input + " does not exist; give a JSONL file or a" + " Parquet folder");
            }
            if (!fs.getFileStatus(p).isDirectory()) {
                return false;
            }
            for (FileStatus f : fs.listStatus(p)) {
                if (f.getPath().getName().endsWith(".parquet")) {
                    return true;
                }
            }
            return false;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot look at " + input + ": " + e.getMessage(), e);
        }
    }

    private static FileSystem fs(SparkSession spark, Path p) throws IOException {
        return p.getFileSystem(spark.sparkContext().hadoopConfiguration());
    }
}
