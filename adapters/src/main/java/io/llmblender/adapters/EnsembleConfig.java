package io.llmblender.adapters;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.llmblender.adapters.guard.GuardConfig;
import io.llmblender.runtime.ConfigException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The ensemble's configuration file (JSON): members, ranker, fuser and policy.
 *
 * <pre>{@code
 * {
 *   "name": "my-ensemble",            // the model name clients ask the server for (default "blender")
 *   "members": [
 *     {"name": "gpt", "provider": "openai", "model": "gpt-4o-mini", "api_key_env": "OPENAI_API_KEY",
 *      "timeout_seconds": 60, "max_attempts": 3},
 *     {"name": "local", "provider": "openai-compatible", "base_url": "http://127.0.0.1:8000/v1", "model": "llama3"},
 *     {"name": "mistral", "provider": "ollama", "model": "mistral"}
 *   ],
 *   "ranker": {"type": "pairrm", "model": "llm-blender/PairRM-hf", "strategy": "full", "precision": "auto",
 *              "device": "cpu"},
 *   "fuser": {"type": "chat", "member": "gpt"},
 *   "policy": "rank-and-fuse", "top_k": 3, "deadline_seconds": 120
 * }
 * }</pre>
 *
 * Every problem is reported at once, each with its field, in one {@link ConfigException} naming the file.
 *
 * @param file the file read, named in errors
 * @param name the model name clients ask the server for (default {@code blender})
 * @param members the ensemble's members, in the file's order
 * @param rankerType {@code pairrm} (the default) or {@code consensus} (the offline baseline)
 * @param rankerModel the ranker's folder or hub id ({@code ranker.model})
 * @param rankerStrategy {@code full} (all pairs, a ranking), {@code bubble} or {@code knockout} (PairRM, the best
 *     only, O(n)) or {@code top-k} (PairRM, the best {@code top_k} by tournament)
 * @param fuserType {@code none}, {@code genfuser} (with {@code fuserModel}) or {@code chat} (with {@code fuserMember})
 * @param fuserModel the GenFuser folder or hub id, for {@code genfuser}
 * @param fuserMember the member that fuses, for {@code chat}
 * @param policy {@code rank-only}, {@code rank-and-fuse} or {@code first-k-then-rank} (with {@code quorum})
 * @param topK how many ranked answers the fuser reads ({@code top_k})
 * @param quorum for {@code first-k-then-rank}: how many answers to wait for
 * @param deadline how long one request may take in all ({@code deadline_seconds})
 * @param rankerPlacement {@code ranker.precision} and {@code ranker.device} (PairRM and reward models)
 * @param fuserPlacement {@code fuser.precision} and {@code fuser.device} (GenFuser)
 */
public record EnsembleConfig(
        Path file,
        String name,
        List<MemberSpec> members,
        String rankerType,
        String rankerModel,
        String rankerStrategy,
        String fuserType,
        String fuserModel,
        String fuserMember,
        String policy,
        int topK,
        int quorum,
        Duration deadline,
        Placement rankerPlacement,
        Placement fuserPlacement) {

    static final Set<String> PROVIDERS =
            Set.of("openai", "openai-compatible", "ollama", "anthropic", "gemini", "replay");
    static final Set<String> TOP_FIELDS =
            Set.of("name", "members", "ranker", "fuser", "policy", "quorum", "top_k", "deadline_seconds");
    static final Set<String> MEMBER_FIELDS = Set.of(
            "name",
            "provider",
            "model",
            "base_url",
            "api_key_env",
            "timeout_seconds",
            "max_attempts",
            "temperature",
            "max_tokens",
            "questions",
            "answers");
    static final Set<String> RANKER_FIELDS = Set.of("type", "model", "strategy", "precision", "device");
    static final Set<String> FUSER_FIELDS = Set.of("type", "model", "member", "precision", "device");
    static final String[] STRATEGIES = {"full", "bubble", "knockout", "top-k"};

    /**
     * Copies the member list.
     *
     * @param file the file read, named in errors
     * @param name the model name clients ask the server for
     * @param members the ensemble's members, in the file's order
     * @param rankerType {@code pairrm} or {@code consensus}
     * @param rankerModel the ranker's folder or hub id
     * @param rankerStrategy {@code full}, {@code bubble}, {@code knockout} or {@code top-k}
     * @param fuserType {@code none}, {@code genfuser} or {@code chat}
     * @param fuserModel the GenFuser folder or hub id, for {@code genfuser}
     * @param fuserMember the member that fuses, for {@code chat}
     * @param policy {@code rank-only}, {@code rank-and-fuse} or {@code first-k-then-rank}
     * @param topK how many ranked answers the fuser reads
     * @param quorum for {@code first-k-then-rank}: how many answers to wait for
     * @param deadline how long one request may take in all
     * @param rankerPlacement the ranker's precision and device
     * @param fuserPlacement the GenFuser's precision and device
     */
    public EnsembleConfig {
        members = List.copyOf(members);
    }

    /**
     * Reads and checks a configuration file; every problem is reported at once, each with its field.
     *
     * @param file the JSON file
     * @return the configuration
     * @throws io.llmblender.runtime.ConfigException naming the file and every field at fault
     */
    public static EnsembleConfig read(Path file) {
        JsonNode root;
        try {
            root = new ObjectMapper()
                    .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
                    .readTree(ConfigFields.utf8(file, Files.readAllBytes(file)));
        } catch (JsonProcessingException e) {
            throw new ConfigException(file, null, "is not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new ConfigException(file, null, "cannot be read: " + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new ConfigException(file, null, "must hold a JSON object with \"members\"");
        }
        List<String> problems = new ArrayList<>();
        List<MemberSpec> members = new ArrayList<>();
        JsonNode ms = root.path("members");
        if (!ms.isArray() || ms.isEmpty()) {
            problems.add("field 'members' must be a non-empty array of members");
        } else {
            Set<String> names = new HashSet<>();
            for (int i = 0; i < ms.size(); i++) {
                JsonNode m = ms.get(i);
                String at = "members[" + i + "]";
                if (!m.isObject()) {
                    problems.add("field '" + at + "' must be an object with \"name\" and \"provider\"");
                    continue;
                }
                ConfigFields.checkUnknown(m, at, MEMBER_FIELDS, problems);
                String name = ConfigFields.text(m, "name", at, true, problems);
                if (name != null && !names.add(name)) {
                    problems.add("field '" + at + ".name' repeats '" + name + "'; member names must be unique");
                }
                String provider = ConfigFields.text(m, "provider", at, true, problems);
                if (provider != null && !PROVIDERS.contains(provider)) {
                    problems.add("field '" + at + ".provider' is '" + provider + "'; use one of "
                            + new java.util.TreeSet<>(PROVIDERS));
                }
                boolean replay = "replay".equals(provider);
                String model = ConfigFields.text(m, "model", at, !replay, problems);
                String baseUrl = ConfigFields.text(m, "base_url", at, "openai-compatible".equals(provider), problems);
                if (baseUrl != null && !baseUrl.matches("https?://.+")) {
                    problems.add(
                            "field '" + at + ".base_url' is '" + baseUrl + "'; it must start with http:// or https://");
                }
                GuardConfig guard = GuardConfig.defaults();
                int timeout = ConfigFields.integer(m, "timeout_seconds", at, 60, 1, 3600, problems);
                int attempts = ConfigFields.integer(m, "max_attempts", at, 3, 1, 10, problems);
                guard = guard.withTimeout(Duration.ofSeconds(timeout)).withRetries(attempts, guard.initialBackoff());
                Double temperature = m.has("temperature") ? m.get("temperature").asDouble() : null;
                Integer maxTokens = m.has("max_tokens") ? m.get("max_tokens").asInt() : null;
                members.add(MemberSpec.builder()
                        .name(name)
                        .provider(provider)
                        .model(model)
                        .baseUrl(baseUrl)
                        .apiKeyEnv(ConfigFields.text(m, "api_key_env", at, false, problems))
                        .temperature(temperature)
                        .maxTokens(maxTokens)
                        .replayQuestions(ConfigFields.text(m, "questions", at, false, problems))
                        .replayAnswers(ConfigFields.text(m, "answers", at, replay, problems))
                        .guard(guard)
                        .build());
            }
        }
        String keyEnvProblem = "names a variable, not a key; never write the key itself into the file: export it"
                + " and give its name, e.g. OPENAI_API_KEY";
        for (int i = 0; i < members.size(); i++) {
            String env = members.get(i).apiKeyEnv();
            if (env != null && ConfigFields.looksLikeKey(env)) {
                problems.add("field 'members[" + i + "].api_key_env' " + keyEnvProblem);
            }
        }
        JsonNode ranker = root.path("ranker");
        if (ranker.isObject()) {
            ConfigFields.checkUnknown(ranker, "ranker", RANKER_FIELDS, problems);
        }
        String rankerType = ranker.path("type").asText("pairrm");
        if (!rankerType.equals("pairrm") && !rankerType.equals("consensus")) {
            problems.add("field 'ranker.type' is '" + rankerType + "'; use pairrm or consensus");
        }
        String rankerModel = ranker.path("model").asText(rankerType.equals("pairrm") ? "llm-blender/PairRM-hf" : null);
        String strategy = ConfigFields.choice(ranker, "strategy", "ranker", "full", STRATEGIES, s -> s, problems);
        if (!strategy.equals("full") && !rankerType.equals("pairrm")) {
            problems.add("field 'ranker.strategy' is " + strategy + ", which needs ranker.type pairrm");
        }
        Placement rankerPlacement = Placement.read(ranker, "ranker", problems);
        if (rankerType.equals("consensus") && Placement.given(ranker)) {
            problems.add("fields 'ranker.precision' and 'ranker.device' are for pairrm; the consensus ranker runs"
                    + " MiniLM on ONNX Runtime on the CPU");
        }
        JsonNode fuser = root.path("fuser");
        if (fuser.isObject()) {
            ConfigFields.checkUnknown(fuser, "fuser", FUSER_FIELDS, problems);
        }
        String fuserType = fuser.path("type").asText("none");
        String fuserModel = fuser.path("model").asText(null);
        String fuserMember = fuser.path("member").asText(null);
        Placement fuserPlacement = Placement.read(fuser, "fuser", problems);
        if (!fuserType.equals("genfuser") && Placement.given(fuser)) {
            problems.add("fields 'fuser.precision' and 'fuser.device' are for a genfuser; a chat fuser runs where its"
                    + " member runs");
        }
        if (fuserType.equals("genfuser") && fuserModel == null) {
            problems.add(
                    "field 'fuser.model' is missing; a genfuser needs a folder or hub id (llm-blender/gen_fuser_3b)");
        } else if (fuserType.equals("chat")
                && members.stream().noneMatch(s -> s.name() != null && s.name().equals(fuserMember))) {
            problems.add("field 'fuser.member' is '" + fuserMember + "'; a chat fuser must name one of the members");
        } else if (!Set.of("none", "genfuser", "chat").contains(fuserType)) {
            problems.add("field 'fuser.type' is '" + fuserType + "'; use none, genfuser or chat");
        }
        String policy = root.path("policy").asText(fuserType.equals("none") ? "rank-only" : "rank-and-fuse");
        if (!Set.of("rank-only", "rank-and-fuse", "first-k-then-rank").contains(policy)) {
            problems.add("field 'policy' is '" + policy + "'; use rank-only, rank-and-fuse or first-k-then-rank");
        }
        if (policy.equals("rank-and-fuse") && fuserType.equals("none")) {
            problems.add("field 'policy' is rank-and-fuse but no fuser is configured; add \"fuser\" or use rank-only");
        }
        int quorum = ConfigFields.integer(
                root,
                "quorum",
                "",
                policy.equals("first-k-then-rank") ? -1 : Integer.MAX_VALUE,
                1,
                Integer.MAX_VALUE,
                problems);
        if (policy.equals("first-k-then-rank") && quorum == -1) {
            problems.add("field 'quorum' is missing; first-k-then-rank needs the number of answers to wait for");
        }
        int topK = ConfigFields.integer(root, "top_k", "", 3, 1, 100, problems);
        int deadline = ConfigFields.integer(root, "deadline_seconds", "", 120, 1, 86_400, problems);
        ConfigFields.checkUnknown(root, "", TOP_FIELDS, problems);
        if (!problems.isEmpty()) {
            throw new ConfigException(
                    file,
                    null,
                    problems.size() + " problem" + (problems.size() == 1 ? "" : "s") + ":\n  "
                            + String.join("\n  ", problems));
        }
        if ((strategy.equals("bubble") || strategy.equals("knockout")) && policy.equals("rank-and-fuse")) {
            throw new ConfigException(
                    file,
                    "ranker.strategy",
                    "is " + strategy + ", which finds only the best answer; rank-and-fuse needs the best top_k: use"
                            + " full or top-k");
        }
        String name = root.path("name").asText("blender");
        if (!name.matches("[\\w.:-]+")) {
            throw new ConfigException(
                    file, "name", "is '" + name + "'; an ensemble name is letters, digits and . _ : -");
        }
        return new EnsembleConfig(
                file,
                name,
                members,
                rankerType,
                rankerModel,
                strategy,
                fuserType,
                fuserModel,
                fuserMember,
                policy,
                topK,
                quorum,
                Duration.ofSeconds(deadline),
                rankerPlacement,
                fuserPlacement);
    }
}
