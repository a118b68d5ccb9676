package io.llmblender.cli.command;

import io.llmblender.cli.Ensembles;
import io.llmblender.cli.bench.ServeBenchmark;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code blender bench serve}: bounded load on a loopback server running the demo ensemble. */
@Command(
        name = "serve",
        mixinStandardHelpOptions = true,
        description = "Sends a bounded number of concurrent chat requests to a loopback server running the offline demo"
                + " ensemble (replayed members) and reports throughput, p50/p99 latency, and that every request got an"
                + " answer or a 429.")
public final class BenchServeCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--requests", defaultValue = "200", description = "requests in all (default: ${DEFAULT-VALUE})")
    int requests;

    @Option(names = "--clients", defaultValue = "16", description = "concurrent clients (default: ${DEFAULT-VALUE})")
    int clients;

    @Option(
            names = {"--max-concurrent", "--server-slots"},
            defaultValue = "8",
            description = "requests the server works on at once, as serve --max-concurrent (default:"
                    + " ${DEFAULT-VALUE}); --server-slots is the older name")
    int slots;

    @Override
    public Integer call() throws Exception {
        if (requests < 1 || requests > 100_000 || clients < 1 || clients > 1000 || slots < 1) {
            throw new CommandLine.ParameterException(
                    spec.commandLine(), "--requests 1..100000, --clients 1..1000, --server-slots >= 1");
        }
        try (Ensembles demo = Ensembles.demo(null)) {
            ServeBenchmark.Report r =
                    new ServeBenchmark().run(demo.blender(), demo.prompts(), requests, clients, slots);
            PrintWriter out = spec.commandLine().getOut();
            out.printf(
                    "%d requests from %d concurrent clients to a loopback server with %d slots (demo ensemble:"
                            + " 5 replayed members, consensus ranker)%n%n",
                    r.requests(), r.clients(), r.serverSlots());
            out.println("| answered (200) | refused (429) | lost | seconds | answers/s | p50 ms | p99 ms |");
            out.println("|---:|---:|---:|---:|---:|---:|---:|");
            out.printf(
                    "| %d | %d | %d | %.2f | %.1f | %.1f | %.1f |%n",
                    r.statuses().getOrDefault(200, 0),
                    r.statuses().getOrDefault(429, 0),
                    r.lost(),
                    r.seconds(),
                    r.throughput(),
                    r.p50Ms(),
                    r.p99Ms());
            out.println();
            out.println("statuses: " + r.statuses());
            out.flush();
            return r.lost() == 0 ? 0 : 1;
        }
    }
}
