package io.llmblender.cli.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.llmblender.orchestrator.server.BlenderServer;
import io.llmblender.runtime.ProcessMemory;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * A soak of a loopback server under abuse: normal clients send a bounded number of chat requests while a few slow
 * clients trickle request bodies a byte at a time, and a probe asks {@code /health} every 100 ms. Every normal
 * request must be answered (200) or refused (429, 503), none lost; every slow request must be cut off by the
 * server (408 or a close); {@code /health} must answer throughout; sockets must come back. Bounded in count and
 * time; loopback only.
 */
public final class SoakBenchmark {
    /** What happened. {@code lost} counts normal requests with no HTTP answer or another status. */
    public record Report(
            int requests,
            int clients,
            int slowClients,
            double seconds,
            Map<Integer, Integer> statuses,
            int lost,
            int slowAttempts,
            int slowCutOff,
            int healthProbes,
            int healthFailures,
            long healthMaxMs,
            int connectionsAfter,
            long filesBefore,
            long filesAfter,
            long rssBeforeBytes,
            long rssAfterBytes) {
        /**
         * Nothing lost, every slow request cut off, /health always answered, every connection closed again.
         *
         * @return true if the soak passed
         */
        public boolean passed() {
            return lost == 0 && slowCutOff == slowAttempts && healthFailures == 0 && connectionsAfter == 0;
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CHAT_PREFIX = "{\"model\":\"blender\",\"messages\":[{\"role\":\"user\",\"content\":";

    /**
     * Runs the soak against {@code server}, which the caller started (with short header and body timeouts, so
     * the slow clients are cut off within the run) and closes.
     *
     * @param server the running server
     * @param prompts the prompts, used in turn
     * @param requests requests in all
     * @param clients concurrent clients, the slow ones included
     * @param slowClients clients that send too slowly and must be cut off
     * @return what came back and what was cut off
     * @throws Exception if a client fails
     */
    public Report run(BlenderServer server, List<String> prompts, int requests, int clients, int slowClients)
            throws Exception {
        String base = "http://127.0.0.1:" + server.port();
        HttpClient http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .build();
        long filesBefore = openFiles();
        long rssBefore = ProcessMemory.residentBytes();
        AtomicInteger next = new AtomicInteger();
        AtomicBoolean running = new AtomicBoolean(true);
        Map<Integer, Integer> statuses = new ConcurrentHashMap<>();
        AtomicInteger slowAttempts = new AtomicInteger();
        AtomicInteger slowCutOff = new AtomicInteger();
        AtomicInteger probes = new AtomicInteger();
        AtomicInteger probeFailures = new AtomicInteger();
        AtomicLong probeMax = new AtomicLong();
        ExecutorService pool = Executors.newFixedThreadPool(clients + 1);
        long start = System.nanoTime();
        try {
            Future<?> health = pool.submit(() -> probe(http, base, running, probes, probeFailures, probeMax));
            List<Future<?>> slow = new ArrayList<>();
            for (int c = 0; c < slowClients; c++) {
                slow.add(pool.submit(() -> trickle(server.port(), running, slowAttempts, slowCutOff)));
            }
            List<Future<?>> normal = new ArrayList<>();
            for (int c = slowClients; c < clients; c++) {
                normal.add(pool.submit(() -> chat(http, base, prompts, requests, next, statuses)));
            }
            for (Future<?> f : normal) {
                f.get();
            }
            running.set(false); // the slow clients finish their current attempt; the probe stops
            for (Future<?> f : slow) {
                f.get();
            }
            health.get();
        } finally {
            pool.shutdownNow();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        int lost = requests;
        for (int status : new int[] {200, 429, 503}) {
            lost -= statuses.getOrDefault(status, 0);
        }
        long filesAfter = settled(() -> openFiles() <= filesBefore && server.openConnections() == 0);
        return new Report(
                requests,
                clients,
                slowClients,
                seconds,
                new TreeMap<>(statuses),
                lost,
                slowAttempts.get(),
                slowCutOff.get(),
                probes.get(),
                probeFailures.get(),
                probeMax.get(),
                server.openConnections(),
                filesBefore,
                filesAfter,
                rssBefore,
                ProcessMemory.residentBytes());
    }

    /** A normal client: chat requests until {@code requests} have been sent by all of them together. */
    private static void chat(
            HttpClient http,
            String base,
            List<String> prompts,
            int requests,
            AtomicInteger next,
            Map<Integer, Integer> statuses) {
        for (int n = next.getAndIncrement(); n < requests; n = next.getAndIncrement()) {
            int status;
            try {
                String prompt = JSON.writeValueAsString(prompts.get(n % prompts.size()));
                status = http.send(
                                HttpRequest.newBuilder(URI.create(base + "/v1/chat/completions"))
                                        .timeout(Duration.ofSeconds(120))
                                        .header("Content-Type", "application/json")
                                        .POST(HttpRequest.BodyPublishers.ofString(CHAT_PREFIX + prompt + "}]}"))
                                        .build(),
                                HttpResponse.BodyHandlers.discarding())
                        .statusCode();
            } catch (IOException | InterruptedException e) {
                status = -1; // lost: no HTTP answer at all
            }
            statuses.merge(status, 1, Integer::sum);
        }
    }

    /** A slow client: a body promised and trickled a byte every 200 ms, again and again, until the soak ends. */
    private static void trickle(int port, AtomicBoolean running, AtomicInteger attempts, AtomicInteger cutOff) {
        while (running.get()) {
            attempts.incrementAndGet();
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
                s.setSoTimeout(60_000);
                OutputStream out = s.getOutputStream();
                out.write(("POST /v1/chat/completions HTTP/1.1\r\nHost: soak\r\nContent-Type: application/json\r\n"
                                + "Content-Length: 100000\r\n\r\n{")
                        .getBytes(StandardCharsets.US_ASCII));
                try {
                    for (int i = 0; i < 600; i++) { // at most two minutes of trickling
                        out.write(' ');
                        out.flush();
                        Thread.sleep(200); // the attacker's pace
                    }
                } catch (IOException closedByServer) {
                    // expected: the server stopped listening
                }
                InputStream in = s.getInputStream();
                byte[] head = in.readNBytes(12);
                String line = new String(head, StandardCharsets.US_ASCII);
                if (head.length == 0 || line.startsWith("HTTP/1.1 408")) {
                    cutOff.incrementAndGet(); // closed, or told 408
                }
            } catch (IOException reset) {
                cutOff.incrementAndGet(); // a reset is a cut-off too
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private static void probe(
            HttpClient http,
            String base,
            AtomicBoolean running,
            AtomicInteger probes,
            AtomicInteger failures,
            AtomicLong maxMs) {
        while (running.get()) {
            long t0 = System.nanoTime();
            try {
                int status = http.send(
                                HttpRequest.newBuilder(URI.create(base + "/health"))
                                        .timeout(Duration.ofSeconds(5))
                                        .build(),
                                HttpResponse.BodyHandlers.discarding())
                        .statusCode();
                if (status != 200) {
                    failures.incrementAndGet();
                }
            } catch (IOException e) {
                failures.incrementAndGet();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            probes.incrementAndGet();
            maxMs.accumulateAndGet((System.nanoTime() - t0) / 1_000_000, Math::max);
            try {
                Thread.sleep(100); // the probe's period
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private interface Settled {
        boolean now() throws IOException;
    }

    /**
     * Open file descriptors once the server's idle and header timers have closed what the soak left, or after
     * 20 s if they do not.
     */
    private static long settled(Settled done) throws IOException, InterruptedException {
        for (int i = 0; i < 200 && !done.now(); i++) {
            Thread.sleep(100); // the server's own timers decide; the soak only waits for them
        }
        return openFiles();
    }

    static long openFiles() throws IOException {
        Path fds = Path.of("/proc/self/fd");
        if (!Files.isDirectory(fds)) {
            return -1; // not Linux: not measured
        }
        try (Stream<Path> s = Files.list(fds)) {
            return s.count();
        }
    }
}
