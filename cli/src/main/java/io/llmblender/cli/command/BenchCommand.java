package io.llmblender.cli.command;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code blender bench}: speed and memory benchmarks (never timed unit tests). */
@Command(
        name = "bench",
        mixinStandardHelpOptions = true,
        description = "Benchmarks; figures are reported next to this machine's own fp32 matmul speed.",
        subcommands = {
            BenchPairRmCommand.class,
            BenchEnsembleCommand.class,
            BenchGenFuserCommand.class,
            BenchServeCommand.class,
            BenchSoakCommand.class,
            BenchPairRmSoakCommand.class,
            BenchSparkCommand.class
        })
public final class BenchCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
