package io.llmblender.cli.command;

import io.llmblender.cli.Ensembles;
import io.llmblender.cli.bench.SoakBenchmark;
import io.llmblender.orchestrator.server.BlenderServer;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code blender bench soak}: the server under load and abuse, every request accounted for. */
@Command(
        name = "soak",
        mixinStandardHelpOptions = true,
        description = "Runs the offline demo ensemble on a loopback server and sends --requests chat requests from"
                + " --clients clients, --slow of which trickle their bodies a byte at a time, while /health is probed"
                + " every 100 ms. Passes (exit 0) when no request is lost (each answered or refused with 429/503),"
                + " every slow request is cut off by the server and /health answers throughout.")
public final class BenchSoakCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(
            names = "--requests",
            defaultValue = "200",
            description = "normal requests in all (default: ${DEFAULT-VALUE})")
    int requests;

    @Option(names = "--clients", defaultValue = "16", description = "clients in all (default: ${DEFAULT-VALUE})")
    int clients;

    @Option(names = "--slow", defaultValue = "2", description = "of them, slow clients (default: ${DEFAULT-VALUE})")
    int slow;

    @Option(
            names = {"--max-concurrent", "--server-slots"},
            defaultValue = "8",
            description = "requests the server works on at once, as serve --max-concurrent (default:"
                    + " ${DEFAULT-VALUE}); --server-slots is the older name")
    int slots;

    @Option(
            names = "--timeout",
            defaultValue = "2",
            paramLabel = "SECONDS",
            description = "the server's header and body timeouts (default: ${DEFAULT-VALUE})")
    int timeout;

    @Override
    public Integer call() throws Exception {
        if (requests < 1
                || requests > 100_000
                || clients < 2
                || clients > 1000
                || slow < 0
                || slow >= clients
                || slots < 1
                || timeout < 1
                || timeout > 60) {
            throw new CommandLine.ParameterException(
                    spec.commandLine(),
                    "--requests 1..100000, --clients 2..1000, --slow 0..clients-1, --server-slots >= 1,"
                            + " --timeout 1..60");
        }
        try (Ensembles demo = Ensembles.demo(null);
                BlenderServer server = demo.server()
                        .port(0)
                        .maxConcurrent(slots)
                        .headerTimeout(Duration.ofSeconds(timeout))
                        .bodyTimeout(Duration.ofSeconds(timeout))
                        // idle keep-alive connections closed soon too, so the sockets are back at the end
                        .idleTimeout(Duration.ofSeconds(timeout))
                        .start()) {
            SoakBenchmark.Report r = new SoakBenchmark().run(server, demo.prompts(), requests, clients, slow);
            PrintWriter out = spec.commandLine().getOut();
            out.printf(
                    "%d requests from %d clients (%d slow) to a loopback server with %d slots and %d s header/body"
                            + " timeouts (demo ensemble)%n%n",
                    r.requests(), r.clients(), r.slowClients(), slots, timeout);
            out.println("| answered (200) | refused (429/503) | lost | slow cut off | /health ok | /health max ms"
                    + " | seconds |");
            out.println("|---:|---:|---:|---:|---:|---:|---:|");
            out.printf(
                    "| %d | %d | %d | %d of %d | %d of %d | %d | %.1f |%n",
                    r.statuses().getOrDefault(200, 0),
                    r.statuses().getOrDefault(429, 0) + r.statuses().getOrDefault(503, 0),
                    r.lost(),
                    r.slowCutOff(),
                    r.slowAttempts(),
                    r.healthProbes() - r.healthFailures(),
                    r.healthProbes(),
                    r.healthMaxMs(),
                    r.seconds());
            out.println();
            out.printf(
                    "statuses: %s; server connections open at the end %d; open files %d -> %d; RSS %d -> %d MiB%n",
                    r.statuses(),
                    r.connectionsAfter(),
                    r.filesBefore(),
                    r.filesAfter(),
                    r.rssBeforeBytes() >> 20,
                    r.rssAfterBytes() >> 20);
            out.println(r.passed() ? "PASSED" : "FAILED");
            out.flush();
            return r.passed() ? 0 : 1;
        }
    }
}
