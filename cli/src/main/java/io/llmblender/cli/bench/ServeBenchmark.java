package io.llmblender.cli.bench;

import io.llmblender.orchestrator.Blender;
import io.llmblender.orchestrator.server.BlenderServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Load on a loopback server: a bounded number of requests from a bounded number of concurrent clients, every
 * response accounted for (an answer, a 429, or anything else, which would be a lost request).
 */
public final class ServeBenchmark {
    /** What came back. */
    public record Report(
            int requests,
            int clients,
            int serverSlots,
            double seconds,
            double throughput,
            double p50Ms,
            double p99Ms,
            Map<Integer, Integer> statuses,
            int lost) {}

    /**
     * Sends {@code requests} chat completions from {@code clients} concurrent clients to a loopback server over {@code
     * blender}, and counts every response.
     *
     * @param blender the ensemble served
     * @param prompts the prompts, used in turn
     * @param requests requests in all
     * @param clients concurrent clients
     * @param serverSlots the server's concurrent requests; more get 429
     * @return throughput, latencies, statuses and lost requests
     * @throws Exception if the server cannot start or a client fails
     */
    public Report run(Blender blender, List<String> prompts, int requests, int clients, int serverSlots)
            throws Exception {
        try (BlenderServer server = BlenderServer.builder()
                .blender(blender)
                .port(0)
                .maxConcurrent(serverSlots)
                .start()) {
            HttpClient http = HttpClient.newBuilder()
                    .version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(5))
                    .build();
            URI url = URI.create("http://127.0.0.1:" + server.port() + "/v1/chat/completions");
            ExecutorService pool = Executors.newFixedThreadPool(clients);
            long[] latencies = new long[requests];
            int[] status = new int[requests];
            long start = System.nanoTime();
            List<CompletableFuture<Void>> all = new ArrayList<>();
            for (int i = 0; i < requests; i++) {
                int n = i;
                String body = "{\"model\":\"blender\",\"messages\":[{\"role\":\"user\",\"content\":"
                        + new com.fasterxml.jackson.databind.ObjectMapper()
                                .writeValueAsString(prompts.get(n % prompts.size()))
                        + "}]}";
                all.add(CompletableFuture.runAsync(
                        () -> {
                            long t0 = System.nanoTime();
                            try {
                                HttpResponse<String> r = http.send(
                                        HttpRequest.newBuilder(url)
                                                .timeout(Duration.ofSeconds(120))
                                                .header("Content-Type", "application/json")
                                                .POST(HttpRequest.BodyPublishers.ofString(body))
                                                .build(),
                                        HttpResponse.BodyHandlers.ofString());
                                status[n] = r.statusCode();
                            } catch (Exception e) {
                                status[n] = -1; // lost: no HTTP answer at all
                            }
                            latencies[n] = System.nanoTime() - t0;
                        },
                        pool));
            }
            CompletableFuture.allOf(all.toArray(new CompletableFuture<?>[0])).join();
            double seconds = (System.nanoTime() - start) / 1e9;
            pool.shutdown();
            Map<Integer, Integer> statuses = new TreeMap<>();
            for (int s : status) {
                statuses.merge(s, 1, Integer::sum);
            }
            long[] ok = new long[statuses.getOrDefault(200, 0)];
            int k = 0;
            for (int i = 0; i < requests; i++) {
                if (status[i] == 200) {
                    ok[k++] = latencies[i];
                }
            }
            Arrays.sort(ok);
            int lost = requests - statuses.getOrDefault(200, 0) - statuses.getOrDefault(429, 0);
            return new Report(
                    requests,
                    clients,
                    serverSlots,
                    seconds,
                    statuses.getOrDefault(200, 0) / seconds,
                    percentile(ok, 0.50) / 1e6,
                    percentile(ok, 0.99) / 1e6,
                    statuses,
                    lost);
        }
    }

    private static double percentile(long[] sorted, double p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)];
    }
}
