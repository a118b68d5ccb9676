package io.llmblender.cli.command;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.llmblender.cli.bench.GenFuserBenchmark;
import io.llmblender.fuser.t5.T5Config;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code blender bench genfuser}: GenFuser-3B encoder and decoder-step costs on random weights. */
@Command(
        name = "genfuser",
        mixinStandardHelpOptions = true,
        description = "Times GenFuser's encoder and one beam-search decoder step at GenFuser-3B shapes (d_model 2048,"
                + " 24+24 layers, 32 heads, d_ff 5120, vocab 32128) on random weights, against this process's fp32"
                + " matmul speed. Needs about 20 GiB of memory at full size.")
public final class BenchGenFuserCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(
            names = "--input-tokens",
            defaultValue = "512",
            description = "fusion text length (default: ${DEFAULT-VALUE})")
    int inputTokens;

    @Option(names = "--beams", defaultValue = "4", description = "beams decoded together (default: ${DEFAULT-VALUE})")
    int beams;

    @Option(names = "--steps", defaultValue = "8", description = "timed decoder steps (default: ${DEFAULT-VALUE})")
    int steps;

    @Option(
            names = "--matmul",
            defaultValue = "2048",
            description = "side of the yardstick matmul (default: ${DEFAULT-VALUE})")
    int matmul;

    @Option(names = "--d-model", defaultValue = "2048", description = "model shape (default: ${DEFAULT-VALUE})")
    int dModel;

    @Option(
            names = "--layers",
            defaultValue = "24",
            description = "encoder and decoder layers each (default: ${DEFAULT-VALUE})")
    int layers;

    @Option(names = "--heads", defaultValue = "32", description = "attention heads (default: ${DEFAULT-VALUE})")
    int heads;

    @Option(names = "--d-kv", defaultValue = "64", description = "head size (default: ${DEFAULT-VALUE})")
    int dKv;

    @Option(names = "--d-ff", defaultValue = "5120", description = "feed-forward size (default: ${DEFAULT-VALUE})")
    int dFf;

    @Option(names = "--vocab", defaultValue = "32128", description = "vocabulary (default: ${DEFAULT-VALUE})")
    int vocab;

    @Option(names = "--json", paramLabel = "FILE", description = "also write the numbers to FILE as JSON")
    Path json;

    @Override
    public Integer call() throws Exception {
        if (inputTokens < 2 || beams < 1 || steps < 1) {
            throw new CommandLine.ParameterException(
                    spec.commandLine(), "--input-tokens >= 2, --beams >= 1, --steps >= 1");
        }
        T5Config config =
                new T5Config(vocab, dModel, dKv, dFf, layers, layers, heads, 32, 128, 1e-6f, true, false, 0, 1, 0);
        PrintWriter err = spec.commandLine().getErr();
        GenFuserBenchmark.Report r = new GenFuserBenchmark(config).run(inputTokens, beams, steps, matmul, line -> {
            err.println(line);
            err.flush();
        });
        PrintWriter out = spec.commandLine().getOut();
        out.println(r.model());
        out.printf(
                "fp32 %d² matmul in this process: %.1f GFLOP/s; weights built in %.1f s%n%n",
                matmul, r.matmulGflops(), r.buildSeconds());
        out.println("| stage | ms | GFLOP | GFLOP/s | / matmul |");
        out.println("|---|---:|---:|---:|---:|");
        out.printf(
                "| encoder, %d tokens (+ cross K/V) | %.1f | %.2f | %.1f | %.2f |%n",
                r.inputTokens(),
                r.encoderMs(),
                r.encoderGflop(),
                r.encoderGflops(),
                r.encoderGflops() / r.matmulGflops());
        out.printf(
                "| decoder step, %d beams (median) | %.1f | %.2f | %.1f | %.2f |%n",
                r.beams(), r.stepMs(), r.stepGflop(), r.stepGflops(), r.stepGflops() / r.matmulGflops());
        out.printf("%npeak RSS %d MiB%n", r.peakRssBytes() >> 20);
        if (json != null) {
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(json.toFile(), r);
            out.println("wrote " + json);
        }
        out.flush();
        return 0;
    }
}
