package io.llmblender.cli.command;

import io.llmblender.cli.Ensembles;
import io.llmblender.orchestrator.server.BlenderServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code blender serve}: the ensemble as an OpenAI-compatible HTTP server. */
@Command(
        name = "serve",
        mixinStandardHelpOptions = true,
        description =
                "Serves the ensemble over OpenAI's HTTP protocol: /v1/chat/completions (model 'blender', streaming"
                        + " too), /v1/models, /v1/rank, /v1/compare, /health, /ready. Without --config it serves the offline"
                        + " demo ensemble. Ctrl-C shuts down gracefully.")
public final class ServeCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(
            names = "--config",
            paramLabel = "FILE",
            description = "the ensemble's JSON configuration (default: the demo)")
    Path config;

    @Option(
            names = "--model",
            paramLabel = "DIR_OR_HUB_ID",
            description = "with the demo ensemble: rank with this PairRM")
    String model;

    @Option(
            names = "--host",
            defaultValue = "127.0.0.1",
            description = "address to listen on (default: ${DEFAULT-VALUE})")
    String host;

    @Option(
            names = "--port",
            defaultValue = "8080",
            description = "port, 0 for any free one (default: ${DEFAULT-VALUE})")
    int port;

    @Option(
            names = "--max-concurrent",
            defaultValue = "8",
            description = "requests served at once; more get 429 (default: ${DEFAULT-VALUE})")
    int maxConcurrent;

    @Option(
            names = "--max-body-bytes",
            defaultValue = "1048576",
            description = "request size limit (default: ${DEFAULT-VALUE})")
    int maxBodyBytes;

    @Option(
            names = "--max-connections",
            defaultValue = "256",
            description = "open connections served; more get 503 (default: ${DEFAULT-VALUE})")
    int maxConnections;

    @Option(
            names = "--max-candidates",
            defaultValue = "32",
            description = "candidates per /v1/rank request; more get 400 (default: ${DEFAULT-VALUE})")
    int maxCandidates;

    @Option(
            names = "--header-timeout",
            defaultValue = "10",
            paramLabel = "SECONDS",
            description = "time a connection has to send a request's headers (default: ${DEFAULT-VALUE})")
    int headerTimeout;

    @Option(
            names = "--body-timeout",
            defaultValue = "30",
            paramLabel = "SECONDS",
            description = "time a request's body has to arrive; slower gets 408 (default: ${DEFAULT-VALUE})")
    int bodyTimeout;

    @Override
    public Integer call() throws Exception {
        Ensembles ensemble = config == null ? Ensembles.demo(model) : Ensembles.fromConfig(config);
        BlenderServer server = ensemble.server()
                .host(host)
                .port(port)
                .maxConcurrent(maxConcurrent)
                .maxBodyBytes(maxBodyBytes)
                .maxConnections(maxConnections)
                .maxCandidates(maxCandidates)
                .headerTimeout(Duration.ofSeconds(headerTimeout))
                .bodyTimeout(Duration.ofSeconds(bodyTimeout))
                .start();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            ensemble.close();
            stopped.countDown();
        }));
        spec.commandLine()
                .getOut()
                .printf("blender serving on http://%s:%d/v1 (model '%s')%n", host, server.port(), ensemble.name());
        spec.commandLine().getOut().flush();
        stopped.await();
        return 0;
    }
}
