package io.llmblender.cli.command;

import picocli.CommandLine.Command;

/** {@code blender spark ...}: dataset jobs on Apache Spark. */
@Command(
        name = "spark",
        mixinStandardHelpOptions = true,
        description = "Dataset jobs on Apache Spark (embedded in local mode unless --master or spark-submit says"
                + " otherwise).",
        subcommands = {SparkRankCommand.class})
public final class SparkCommand {}
