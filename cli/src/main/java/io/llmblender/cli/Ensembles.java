package io.llmblender.cli;

import dev.langchain4j.model.chat.ChatModel;
import io.llmblender.adapters.EnsembleConfig;
import io.llmblender.adapters.MemberSpec;
import io.llmblender.adapters.Members;
import io.llmblender.adapters.replay.ReplayChatModel;
import io.llmblender.consensus.ConsensusRanker;
import io.llmblender.fuser.Fuser;
import io.llmblender.fuser.chat.ChatModelFuser;
import io.llmblender.fuser.genfuser.GenFuser;
import io.llmblender.orchestrator.BlendPolicy;
import io.llmblender.orchestrator.Blender;
import io.llmblender.orchestrator.BlenderBuilder;
import io.llmblender.orchestrator.server.BlenderServer;
import io.llmblender.ranker.PairRankerOptions;
import io.llmblender.ranker.PairScorer;
import io.llmblender.ranker.Ranker;
import io.llmblender.ranker.RankingModel;
import io.llmblender.ranker.RankingModels;
import io.llmblender.ranker.Selector;
import io.llmblender.ranker.Strategy;
import io.llmblender.ranker.pairrm.PairRmOptions;
import io.llmblender.ranker.select.RankingSelector;
import io.llmblender.runtime.hub.HubClient;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The ensembles the commands run: one from a configuration file, or the embedded demo (five replayed MT-bench
 * members). Owns what it loads; close it.
 */
public final class Ensembles implements AutoCloseable {
    /** The bundled MT-bench members. */
    public static final List<String> DEMO_MODELS =
            List.of("gpt-4", "gpt-3.5-turbo", "claude-v1", "vicuna-13b-v1.3", "alpaca-13b");

    private final Blender blender;
    private final Ranker ranker;
    private final RankingModel model; // null for the consensus ranker, which cannot compare a pair
    private final List<AutoCloseable> owned;
    private final List<String> prompts;
    private final String name;
    private final Map<String, ChatModel> members;
    private final Selector selector;

    private Ensembles(
            String name,
            Blender blender,
            Ranker ranker,
            RankingModel model,
            List<AutoCloseable> owned,
            List<String> prompts,
            Map<String, ChatModel> members,
            Selector selector) {
        this.name = name;
        this.members = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(members));
        this.selector = selector;
        this.blender = blender;
        this.ranker = ranker;
        this.model = model;
        this.owned = owned;
        this.prompts = prompts;
    }

    /**
     * The members as configured, without the ensemble's guards: what best-of-n sampling draws from.
     *
     * @return each member's chat model by name
     */
    public Map<String, ChatModel> members() {
        return members;
    }

    /**
     * The selector the ensemble ranks with ({@code ranker.strategy} over its ranker).
     *
     * @return the selector
     */
    public Selector selector() {
        return selector;
    }

    /**
     * The ensemble.
     *
     * @return the blender, owned by this object
     */
    public Blender blender() {
        return blender;
    }

    /**
     * The model name the ensemble is served under.
     *
     * @return the name
     */
    public String name() {
        return name;
    }

    /**
     * The ensemble's ranker, also served on {@code /v1/rank}.
     *
     * @return the ranker
     */
    public Ranker ranker() {
        return ranker;
    }

    /**
     * The loaded model as a pair scorer (PairRM, the DeBERTa reward model), or empty for the consensus ranker.
     *
     * @return the pair scorer, or empty
     */
    public Optional<PairScorer> pairScorer() {
        return Optional.ofNullable(model);
    }

    /**
     * A server builder for this ensemble: its name, the blender, the ranker for /v1/rank and, when a model is
     * loaded, the same model as the pair scorer for /v1/compare; for the demo, the questions its members can
     * answer (a 502 lists them). The caller adds host, port and limits.
     *
     * @return a builder the caller adds its port and limits to
     */
    public BlenderServer.Builder server() {
        return BlenderServer.builder()
                .model(name)
                .blender(blender)
                .ranker(ranker)
                .pairScorer(model)
                .answerable(prompts);
    }

    /**
     * Prompts the members can answer (the demo's questions), or empty for a configured ensemble.
     *
     * @return the prompts, or empty
     */
    public List<String> prompts() {
        return prompts;
    }

    /**
     * The ensemble a configuration file describes.
     *
     * @param config the ensemble's JSON file
     * @return the ensemble; the caller closes it
     */
    public static Ensembles fromConfig(Path config) {
        EnsembleConfig c = EnsembleConfig.read(config);
        Map<String, ChatModel> members = new LinkedHashMap<>();
        for (MemberSpec m : c.members()) {
            members.put(m.name(), Members.build(m, System.getenv(), config));
        }
        List<AutoCloseable> owned = new ArrayList<>();
        Strategy strategy = Strategy.fromName(c.rankerStrategy());
        PairRankerOptions rankerOptions = PairRankerOptions.DEFAULT.withModel(PairRmOptions.DEFAULT
                .withPrecision(c.rankerPlacement().precision())
                .withDevice(c.rankerPlacement().device()));
        RankingModel model =
                c.rankerType().equals("pairrm") ? own(RankingModels.load(c.rankerModel(), rankerOptions), owned) : null;
        Ranker ranker = model != null ? model : new ConsensusRanker();
        c.fuserPlacement().device().resolve(); // a device the engine lacks is refused before any download
        Fuser fuser = switch (c.fuserType()) {
            case "genfuser" ->
                own(
                        Files.isDirectory(Path.of(c.fuserModel()))
                                ? GenFuser.load(
                                        Path.of(c.fuserModel()),
                                        c.fuserPlacement().precision(),
                                        c.fuserPlacement().device())
                                : GenFuser.fromHub(
                                        c.fuserModel(),
                                        HubClient.fromEnvironment(System.getenv(), HubClient.Progress.NONE),
                                        c.fuserPlacement().precision(),
                                        c.fuserPlacement().device()),
                        owned);
            case "chat" -> new ChatModelFuser(members.get(c.fuserMember()));
            default -> null;
        };
        Selector selector = model != null ? model.selector(strategy) : new RankingSelector(ranker);
        BlenderBuilder b = Blender.builder()
                .selector(selector)
                .fuser(fuser)
                .topK(c.topK())
                .deadline(c.deadline())
                .policy(BlendPolicy.valueOf(c.policy().toUpperCase().replace('-', '_')));
        if (c.quorum() != Integer.MAX_VALUE) {
            b.quorum(c.quorum());
        }
        for (MemberSpec m : c.members()) {
            b.member(m.name(), members.get(m.name()), m.guard());
        }
        return new Ensembles(c.name(), b.build(), ranker, model, owned, List.of(), members, selector);
    }

    /**
     * The embedded demo: replayed MT-bench answers, ranked by PairRM if {@code model} is given, else by consensus.
     *
     * @param model a PairRM folder or hub id, or null for the consensus ranker
     * @return the demo ensemble; the caller closes it
     * @throws IOException if the demo data cannot be extracted
     */
    public static Ensembles demo(String model) throws IOException {
        Path data = extractDemoData();
        List<String> prompts = new ArrayList<>();
        for (String line : Files.readAllLines(data.resolve("question.jsonl"))) {
            prompts.add(new com.fasterxml.jackson.databind.ObjectMapper()
                    .readTree(line)
                    .get("turns")
                    .get(0)
                    .asText());
        }
        List<AutoCloseable> owned = new ArrayList<>();
        RankingModel loaded = model == null ? null : own(RankingModels.load(model), owned);
        Ranker ranker = loaded == null ? new ConsensusRanker() : loaded;
        BlenderBuilder b = Blender.builder().ranker(ranker);
        Map<String, ChatModel> members = new LinkedHashMap<>();
        for (String m : DEMO_MODELS) {
            members.put(
                    m,
                    ReplayChatModel.fromMtBench(
                            data.resolve("question.jsonl"),
                            data.resolve("model_answer").resolve(m + ".jsonl")));
            b.member(m, members.get(m));
        }
        return new Ensembles(
                "blender",
                b.build(),
                ranker,
                loaded,
                owned,
                List.copyOf(prompts),
                members,
                new RankingSelector(ranker));
    }

    /**
     * Copies the bundled MT-bench subset out of the jar into a temporary folder.
     *
     * @return the folder holding {@code question.jsonl} and {@code model_answer/}
     * @throws IOException if the files cannot be written
     */
    public static Path extractDemoData() throws IOException {
        Path dir = Files.createTempDirectory("blender-demo");
        dir.toFile().deleteOnExit();
        Files.createDirectories(dir.resolve("model_answer"));
        List<String> files = new ArrayList<>(List.of("question.jsonl"));
        DEMO_MODELS.forEach(m -> files.add("model_answer/" + m + ".jsonl"));
        for (String f : files) {
            try (InputStream in = Ensembles.class.getResourceAsStream("/demo/mt_bench/" + f)) {
                if (in == null) {
                    throw new IllegalStateException("the demo data /demo/mt_bench/" + f + " is missing from the build");
                }
                Files.copy(in, dir.resolve(f));
            }
            dir.resolve(f).toFile().deleteOnExit();
        }
        return dir;
    }

    private static <T extends AutoCloseable> T own(T resource, List<AutoCloseable> owned) {
        owned.add(resource);
        return resource;
    }

    @Override
    public void close() {
        blender.close();
        for (AutoCloseable a : owned) {
            try {
                a.close();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
