package io.llmblender.orchestrator.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.request.ChatRequest;
import io.llmblender.orchestrator.BlendResult;
import io.llmblender.orchestrator.Blender;
import io.llmblender.orchestrator.EnsembleException;
import io.llmblender.ranker.CompareMode;
import io.llmblender.ranker.Item;
import io.llmblender.ranker.PairScorer;
import io.llmblender.ranker.Ranker;
import io.llmblender.ranker.Ranking;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ensemble as an OpenAI-compatible HTTP service, on the JDK's own HTTP server:
 * <ul>
 *   <li>{@code POST /v1/chat/completions} answers with the ensemble (model {@code blender}), streaming as
 *       server-sent events in OpenAI's chunk format when {@code stream} is true;</li>
 *   <li>{@code GET /v1/models};</li>
 *   <li>{@code POST /v1/rank} and {@code POST /v1/compare}: the ranker's scores, e.g. as the reward of an RLHF
 *       loop in any language;</li>
 *   <li>{@code GET /health} and {@code GET /ready}.</li>
 * </ul>
 * Every refusal is a 4xx with OpenAI's JSON error body and no stack trace: wrong method (405), wrong content type
 * (415), a body over the limit (413), malformed JSON or missing fields (400), an unknown model (404). At most
 * {@code maxConcurrent} ensemble requests run at once; more get 429 at once rather than queueing. {@link #close()}
 * stops accepting, lets running requests finish (up to a grace period) and then stops.
 */
public final class BlenderServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(BlenderServer.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    public static final String MODEL = "blender";

    private final HttpServer server;
    private final ExecutorService pool;
    private final Blender blender;
    private final Ranker ranker;
    private final Semaphore slots;
    private final int maxConcurrent;
    private final int maxBodyBytes;
    private final int graceSeconds;
    private final AtomicBoolean ready = new AtomicBoolean();
    private final String model;

    private BlenderServer(
            HttpServer server,
            ExecutorService pool,
            Blender blender,
            Ranker ranker,
            int maxConcurrent,
            int maxBodyBytes,
            int graceSeconds,
            String model) {
        this.model = model;
        this.server = server;
        this.pool = pool;
        this.blender = blender;
        this.ranker = ranker;
        this.slots = new Semaphore(maxConcurrent);
        this.maxConcurrent = maxConcurrent;
        this.maxBodyBytes = maxBodyBytes;
        this.graceSeconds = graceSeconds;
    }

    /**
     * Starts serving on {@code host:port} (port 0 picks a free one).
     *
     * @param ranker serves /v1/rank and /v1/compare (compare needs a pair scorer such as PairRM); may be null
     */
    public static BlenderServer start(
            String host, int port, Blender blender, Ranker ranker, int maxConcurrent, int maxBodyBytes)
            throws IOException {
        return start(host, port, MODEL, blender, ranker, maxConcurrent, maxBodyBytes);
    }

    /** As above, offering the ensemble under the model name {@code model} (a named ensemble of a config file). */
    public static BlenderServer start(
            String host, int port, String model, Blender blender, Ranker ranker, int maxConcurrent, int maxBodyBytes)
            throws IOException {
        HttpServer http = HttpServer.create(new InetSocketAddress(host, port), 64);
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(4, maxConcurrent * 2), r -> {
            Thread t = new Thread(r, "blender-http");
            t.setDaemon(true);
            return t;
        });
        http.setExecutor(pool);
        BlenderServer s = new BlenderServer(http, pool, blender, ranker, maxConcurrent, maxBodyBytes, 30, model);
        http.createContext("/", s::handle);
        http.start();
        s.ready.set(true);
        LOG.info("serving on http://{}:{}", host, s.port());
        return s;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    private void handle(HttpExchange ex) {
        try {
            String path = ex.getRequestURI().getPath();
            String method = ex.getRequestMethod();
            switch (path) {
                case "/health" -> {
                    requireMethod(method, "GET");
                    send(ex, 200, JSON.createObjectNode().put("status", "ok"));
                }
                case "/ready" -> {
                    requireMethod(method, "GET");
                    send(ex, ready.get() ? 200 : 503, JSON.createObjectNode().put("ready", ready.get()));
                }
                case "/v1/models" -> {
                    requireMethod(method, "GET");
                    ObjectNode list = JSON.createObjectNode().put("object", "list");
                    list.putArray("data")
                            .addObject()
                            .put("id", model)
                            .put("object", "model")
                            .put("created", 0)
                            .put("owned_by", "llm-blender-jvm");
                    send(ex, 200, list);
                }
                case "/v1/chat/completions" -> withSlot(ex, () -> chat(ex, body(ex)));
                case "/v1/rank" -> withSlot(ex, () -> rank(ex, body(ex)));
                case "/v1/compare" -> withSlot(ex, () -> compare(ex, body(ex)));
                default ->
                    throw new ApiError(
                            404,
                            "invalid_request_error",
                            "unknown_url",
                            "no endpoint " + method + " " + path
                                    + "; see /v1/models, /v1/chat/completions, /v1/rank, /v1/compare");
            }
        } catch (ApiError e) {
            error(ex, e.status, e.type, e.code, e.getMessage());
        } catch (RuntimeException | IOException e) {
            LOG.warn("request failed: {}", e.toString());
            error(
                    ex,
                    500,
                    "server_error",
                    null,
                    "the server failed: " + e.getClass().getSimpleName());
        } finally {
            ex.close();
        }
    }

    private interface Work {
        void run() throws IOException;
    }

    /** Bounded concurrency: a free slot or an immediate 429. */
    private void withSlot(HttpExchange ex, Work work) throws IOException {
        requireMethod(ex.getRequestMethod(), "POST");
        if (!ready.get()) {
            throw new ApiError(503, "server_error", "shutting_down", "the server is shutting down");
        }
        if (!slots.tryAcquire()) {
            ex.getResponseHeaders().add("Retry-After", "1");
            throw new ApiError(
                    429,
                    "rate_limit_error",
                    "server_busy",
                    "the server is at its limit of " + "concurrent requests; retry shortly");
        }
        try {
            work.run();
        } finally {
            slots.release();
        }
    }

    private JsonNode body(HttpExchange ex) throws IOException {
        String type = ex.getRequestHeaders().getFirst("Content-Type");
        if (type == null || !type.toLowerCase().startsWith("application/json")) {
            throw new ApiError(
                    415,
                    "invalid_request_error",
                    "unsupported_media_type",
                    "Content-Type must be application/json, was " + type);
        }
        byte[] bytes;
        try (InputStream in = ex.getRequestBody()) {
            bytes = in.readNBytes(maxBodyBytes + 1);
        }
        if (bytes.length > maxBodyBytes) {
            throw new ApiError(
                    413,
                    "invalid_request_error",
                    "request_too_large",
                    "the body is over the limit of " + maxBodyBytes + " bytes");
        }
        try {
            JsonNode node = JSON.readTree(bytes);
            if (node == null || !node.isObject()) {
                throw ApiError.badRequest("the body must be a JSON object");
            }
            return node;
        } catch (JsonProcessingException e) {
            throw ApiError.badRequest("the body is not valid JSON: " + e.getOriginalMessage());
        }
    }

    private void chat(HttpExchange ex, JsonNode req) throws IOException {
        String asked = req.path("model").asText(null);
        if (asked == null) {
            throw ApiError.badRequest("'model' is required; this server offers '" + model + "'");
        }
        if (!asked.equals(model)) {
            throw new ApiError(
                    404,
                    "invalid_request_error",
                    "model_not_found",
                    "the model '" + asked + "' does not exist; this server offers '" + model + "'");
        }
        JsonNode messages = req.path("messages");
        if (!messages.isArray() || messages.isEmpty()) {
            throw ApiError.badRequest("'messages' must be a non-empty array");
        }
        List<ChatMessage> chat = new ArrayList<>();
        for (int i = 0; i < messages.size(); i++) {
            JsonNode m = messages.get(i);
            String role = m.path("role").asText("");
            JsonNode content = m.path("content");
            if (!content.isTextual()) {
                throw ApiError.badRequest("'messages[" + i + "].content' must be a string");
            }
            switch (role) {
                case "system", "developer" -> chat.add(SystemMessage.from(content.asText()));
                case "user" -> chat.add(UserMessage.from(content.asText()));
                case "assistant" -> chat.add(AiMessage.from(content.asText()));
                default ->
                    throw ApiError.badRequest(
                            "'messages[" + i + "].role' is '" + role + "'; use system, user or assistant");
            }
        }
        if (chat.stream().noneMatch(m -> m instanceof UserMessage)) {
            throw ApiError.badRequest("'messages' holds no user message");
        }
        ChatRequest.Builder request = ChatRequest.builder().messages(chat);
        if (req.has("temperature")) {
            request.temperature(req.get("temperature").asDouble());
        }
        if (req.has("top_p")) {
            request.topP(req.get("top_p").asDouble());
        }
        if (req.has("max_tokens") || req.has("max_completion_tokens")) {
            request.maxOutputTokens(
                    req.has("max_tokens")
                            ? req.get("max_tokens").asInt()
                            : req.get("max_completion_tokens").asInt());
        }
        String id = "chatcmpl-" + UUID.randomUUID();
        long created = System.currentTimeMillis() / 1000;
        if (req.path("stream").asBoolean(false)) {
            stream(ex, id, created, request.build());
            return;
        }
        BlendResult result;
        try {
            result = blender.blend(request.build());
        } catch (EnsembleException e) {
            throw new ApiError(502, "upstream_error", "no_member_answered", e.getMessage());
        }
        int[] usage = result.trace().tokenUsage();
        ObjectNode body = JSON.createObjectNode()
                .put("id", id)
                .put("object", "chat.completion")
                .put("created", created)
                .put("model", model);
        ObjectNode choice = body.putArray("choices").addObject().put("index", 0).put("finish_reason", "stop");
        choice.putObject("message").put("role", "assistant").put("content", result.answer());
        body.putObject("usage")
                .put("prompt_tokens", usage[0])
                .put("completion_tokens", usage[1])
                .put("total_tokens", usage[0] + usage[1]);
        ObjectNode blend = body.putObject("blender");
        blend.put("chosen", result.trace().chosen().orElse(null));
        ArrayNode fused = blend.putArray("fused_from");
        result.trace().fusedFrom().forEach(fused::add);
        ObjectNode ranks = blend.putObject("ranks");
        result.trace().ranks().forEach(ranks::put);
        send(ex, 200, body);
    }

    /**
     * OpenAI chunks: the role at once, then the answer as the ensemble produces it (a fuser that generates token by
     * token streams as it generates; a chosen answer comes in word-sized pieces), then the finish and [DONE]. An
     * error after the headers went out is sent as an {@code error} event.
     */
    private void stream(HttpExchange ex, String id, long created, ChatRequest request) throws IOException {
        ex.getResponseHeaders().add("Content-Type", "text/event-stream");
        ex.getResponseHeaders().add("Cache-Control", "no-cache");
        ex.sendResponseHeaders(200, 0);
        try (OutputStream out = ex.getResponseBody()) {
            chunk(
                    out,
                    id,
                    created,
                    JSON.createObjectNode().put("role", "assistant").put("content", ""),
                    null);
            try {
                blender.blend(request, piece -> {
                    try {
                        for (String word : piece.split("(?<=\\s)")) {
                            chunk(out, id, created, JSON.createObjectNode().put("content", word), null);
                        }
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                });
                chunk(out, id, created, JSON.createObjectNode(), "stop");
            } catch (EnsembleException | java.io.UncheckedIOException e) {
                ObjectNode err = JSON.createObjectNode();
                err.putObject("error").put("message", e.getMessage()).put("type", "upstream_error");
                out.write(("data: " + JSON.writeValueAsString(err) + "\n\n").getBytes(StandardCharsets.UTF_8));
            }
            out.write("data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8));
            out.flush();
        }
    }

    private void chunk(OutputStream out, String id, long created, ObjectNode delta, String finish) throws IOException {
        ObjectNode c = JSON.createObjectNode()
                .put("id", id)
                .put("object", "chat.completion.chunk")
                .put("created", created)
                .put("model", model);
        ObjectNode choice = c.putArray("choices").addObject().put("index", 0);
        choice.set("delta", delta);
        if (finish == null) {
            choice.putNull("finish_reason");
        } else {
            choice.put("finish_reason", finish);
        }
        out.write(("data: " + JSON.writeValueAsString(c) + "\n\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    private void rank(HttpExchange ex, JsonNode req) throws IOException {
        Ranker r = requireRanker();
        String input = text(req, "input");
        JsonNode cands = req.path("candidates");
        if (!cands.isArray() || cands.isEmpty()) {
            throw ApiError.badRequest("'candidates' must be a non-empty array of strings");
        }
        List<String> candidates = new ArrayList<>();
        for (JsonNode c : cands) {
            if (!c.isTextual()) {
                throw ApiError.badRequest("'candidates' must hold strings only");
            }
            candidates.add(c.asText());
        }
        String instruction = req.path("instruction").asText(null);
        Ranking ranking = r.rank(new Item(instruction, input, candidates));
        ObjectNode body = JSON.createObjectNode();
        ArrayNode scores = body.putArray("scores");
        for (float s : ranking.scores()) {
            scores.add(s);
        }
        ArrayNode ranks = body.putArray("ranks");
        for (int k : ranking.ranks()) {
            ranks.add(k);
        }
        send(ex, 200, body);
    }

    private void compare(HttpExchange ex, JsonNode req) throws IOException {
        // temporary until the server gets its builder: the pair scorer is the ranker when it can compare
        if (!(requireRanker() instanceof PairScorer p)) {
            throw new ApiError(
                    501,
                    "invalid_request_error",
                    "not_supported",
                    "/v1/compare needs a PairRM ranker; this server ranks with "
                            + ranker.getClass().getSimpleName());
        }
        CompareMode mode = CompareMode.fromPython(req.path("mode").asText("[A,B]+[B,A]"));
        float logit = p.compare(
                        new Item(
                                req.path("instruction").asText(null),
                                text(req, "input"),
                                List.of(text(req, "a"), text(req, "b"))),
                        mode)
                .logit();
        send(
                ex,
                200,
                JSON.createObjectNode()
                        .put("logit", logit)
                        .put("result", logit > 0)
                        .put("mode", mode.python()));
    }

    private Ranker requireRanker() {
        if (ranker == null) {
            throw new ApiError(501, "invalid_request_error", "not_supported", "this server has no ranker for /v1/rank");
        }
        return ranker;
    }

    private static String text(JsonNode req, String field) {
        JsonNode v = req.get(field);
        if (v == null || !v.isTextual()) {
            throw ApiError.badRequest("'" + field + "' is required and must be a string");
        }
        return v.asText();
    }

    private static void requireMethod(String method, String allowed) {
        if (!method.equals(allowed)) {
            throw new ApiError(
                    405, "invalid_request_error", "method_not_allowed", "use " + allowed + ", not " + method);
        }
    }

    private static void send(HttpExchange ex, int status, JsonNode body) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(body);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static void error(HttpExchange ex, int status, String type, String code, String message) {
        ObjectNode body = JSON.createObjectNode();
        ObjectNode err = body.putObject("error").put("message", message).put("type", type);
        if (code == null) {
            err.putNull("code");
        } else {
            err.put("code", code);
        }
        try {
            send(ex, status, body);
        } catch (IOException | RuntimeException ignored) {
            // the client went away, or the headers were already sent (a failed stream): nothing more to say
        }
    }

    /**
     * Graceful shutdown: new work is refused (503), running requests finish (up to the grace period, by taking
     * back every concurrency slot), then the listener stops. Idempotent.
     */
    @Override
    public void close() {
        if (!ready.getAndSet(false) && pool.isShutdown()) {
            return;
        }
        try {
            if (slots.tryAcquire(maxConcurrent, graceSeconds, TimeUnit.SECONDS)) {
                slots.release(maxConcurrent);
            } else {
                LOG.warn("requests still running after {} s; stopping anyway", graceSeconds);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        server.stop(0);
        pool.shutdownNow();
    }
}
