package io.llmblender.spark.bench;

import io.llmblender.batch.BatchRanker;
import io.llmblender.batch.RankRecord;
import io.llmblender.runtime.ProcessMemory;
import io.llmblender.spark.ExecutorModels;
import io.llmblender.spark.SparkRankOptions;
import io.llmblender.spark.SparkRanker;
import io.llmblender.spark.SparkRanking;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Ranks the same rows twice in one JVM, both times after a warm-up that loads the model: in one process (the
 * rows sorted by length and chunked as a Spark partition would be, then {@link BatchRanker}) and on a
 * SparkSession ({@link SparkRanker}); reports rows per second of both and their ratio. In local mode the
 * executor is this JVM, so its peak RSS is the executor's.
 */
public final class SparkBench {
    private SparkBench() {}

    /**
     * The measurements.
     *
     * @param rows rows ranked by each side
     * @param singleRowsPerS rows per second in one process
     * @param sparkRowsPerS rows per second on Spark
     * @param ratio Spark's rows per second over the single process's
     * @param peakRssMib the JVM's peak resident memory (VmHWM), MiB
     */
    public record Result(int rows, double singleRowsPerS, double sparkRowsPerS, double ratio, long peakRssMib) {}

    /**
     * Runs both sides.
     *
     * @param options the model and strategy both sides use
     * @param rows rows to rank
     * @param candidates candidates per row
     * @param master the Spark master, e.g. local[2]
     * @param log where progress goes
     * @return the measurements
     */
    public static Result run(SparkRankOptions options, int rows, int candidates, String master, PrintWriter log) {
        List<RankRecord> records = records(rows, candidates);
        BatchRanker single =
                new BatchRanker(ExecutorModels.get(options), options.strategy(), options.seed(), false, true);
        single.rank(records.subList(0, Math.min(4, rows))); // warm-up: the model loads
        SparkSession spark = SparkSession.builder()
                .master(master)
                .appName("blender bench spark")
                .config("spark.ui.enabled", "false")
                .config("spark.driver.bindAddress", "127.0.0.1")
                .config("spark.driver.host", "localhost")
                .getOrCreate();
        try {
            SparkRanker ranker = new SparkRanker(options);
            ranker.rank(dataset(spark, records.subList(0, Math.min(4, rows))))
                    .ranked()
                    .count(); // warm-up
            Dataset<Row> input = dataset(spark, records)
                    .repartition(spark.sparkContext().defaultParallelism())
                    .cache();
            input.count();
            // single, spark, spark, single: on a shared machine, each side's best of two, taken at both ends
            double singleS = Double.MAX_VALUE;
            double sparkS = Double.MAX_VALUE;
            for (int pass = 0; pass < 4; pass++) {
                boolean onSpark = pass == 1 || pass == 2;
                long t = System.nanoTime();
                long n = onSpark ? sparkPass(ranker, input) : singlePass(single, records, options, candidates);
                double s = (System.nanoTime() - t) / 1e9;
                log.printf("%s: %d rows in %.1f s%n", onSpark ? "spark " + master : "single process", n, s);
                log.flush();
                if (onSpark) {
                    sparkS = Math.min(sparkS, s);
                } else {
                    singleS = Math.min(singleS, s);
                }
            }
            double single1 = rows / singleS;
            double spark1 = rows / sparkS;
            return new Result(rows, single1, spark1, spark1 / single1, ProcessMemory.peakResidentBytes() >> 20);
        } finally {
            spark.stop();
        }
    }

    /** The rows sorted by length and chunked as a partition is, in this thread. */
    private static long singlePass(BatchRanker single, List<RankRecord> records, SparkRankOptions o, int c) {
        List<RankRecord> sorted = new ArrayList<>(records);
        sorted.sort(Comparator.comparingLong(RankRecord::length));
        int perChunk = Math.max(1, o.chunkPairRows() / single.pairRows(c));
        for (int i = 0; i < sorted.size(); i += perChunk) {
            single.rank(sorted.subList(i, Math.min(sorted.size(), i + perChunk)));
        }
        return sorted.size();
    }

    private static long sparkPass(SparkRanker ranker, Dataset<Row> input) {
        SparkRanking r = ranker.rank(input);
        long n = r.ranked().count();
        r.unpersist();
        return n;
    }

    /** Rows of random words, 10–80 words per answer, fixed by the seed. */
    static List<RankRecord> records(int rows, int candidates) {
        String[] words = ("the a model answer question because therefore paris france capital language river "
                        + "mountain quickly explain example code java spark rank prefer better worse good simply data")
                .split(" ");
        SplittableRandom random = new SplittableRandom(11);
        List<RankRecord> out = new ArrayList<>();
        for (int i = 0; i < rows; i++) {
            List<String> cands = new ArrayList<>();
            for (int c = 0; c < candidates; c++) {
                cands.add(text(random, words, 10 + random.nextInt(70)));
            }
            out.add(new RankRecord("r" + i, null, text(random, words, 5 + random.nextInt(30)), cands));
        }
        return out;
    }

    private static String text(SplittableRandom random, String[] words, int n) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < n; i++) {
            b.append(i == 0 ? "" : " ").append(words[random.nextInt(words.length)]);
        }
        return b.toString();
    }

    private static Dataset<Row> dataset(SparkSession spark, List<RankRecord> records) {
        StructType schema = new StructType()
                .add("id", DataTypes.StringType)
                .add("input", DataTypes.StringType)
                .add("candidates", DataTypes.createArrayType(DataTypes.StringType));
        List<Row> rows = records.stream()
                .map(r -> RowFactory.create(r.id(), r.input(), r.candidates().toArray(new String[0])))
                .toList();
        return spark.createDataFrame(rows, schema);
    }
}
