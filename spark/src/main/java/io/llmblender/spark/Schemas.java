package io.llmblender.spark;

import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/** The row layouts between the steps of a ranking job, named once. */
final class Schemas {
    private Schemas() {}

    /** A numbered input line of a JSONL file. */
    static final StructType LINES =
            new StructType().add("line", DataTypes.LongType, false).add("value", DataTypes.StringType, false);

    /** A checked record: {@code reason} says why it is refused, or is null. */
    static final StructType CHECKED = new StructType()
            .add("line", DataTypes.LongType, true)
            .add("id", DataTypes.StringType, true)
            .add("instruction", DataTypes.StringType, true)
            .add("input", DataTypes.StringType, true)
            .add("candidates", DataTypes.createArrayType(DataTypes.StringType), true)
            .add("reason", DataTypes.StringType, true);

    /** A ranked (or refused) record, with what the DPO export needs. */
    static final StructType RESULT = new StructType()
            .add("line", DataTypes.LongType, true)
            .add("id", DataTypes.StringType, true)
            .add("ranks", DataTypes.createArrayType(DataTypes.IntegerType), true)
            .add("scores", DataTypes.createArrayType(DataTypes.FloatType), true)
            .add("best", DataTypes.IntegerType, true)
            .add("worst", DataTypes.IntegerType, true)
            .add("matrix", DataTypes.createArrayType(DataTypes.createArrayType(DataTypes.FloatType)), true)
            .add("prompt", DataTypes.StringType, true)
            .add("chosen", DataTypes.StringType, true)
            .add("rejected", DataTypes.StringType, true)
            .add("margin", DataTypes.FloatType, true)
            .add("reason", DataTypes.StringType, true);
}
