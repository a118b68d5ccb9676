package io.llmblender.eval;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.llmblender.eval.data.AlpacaEval;
import io.llmblender.eval.data.DataDirectory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.BiFunction;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * The benchmark data of the tests. There are two sources:
 * <ul>
 *   <li>{@link #bundled()}: the copy in the test resources ({@code data/}, see its README). It holds the columns the
 *       published-number checks need, from every data set whose licence allows it. Every clone has it.</li>
 *   <li>{@link #require}: the full data folder, {@code -Dblender.data=<folder>} (a relative path resolves against
 *       the directory mvn was started in), else {@code shared/data} beside the project. A test that needs a file
 *       only that folder has is skipped when it is missing, and the skip says how to get it.</li>
 * </ul>
 */
final class Data {
    static final String PROPERTY = "blender.data";

    private Data() {}

    static DataDirectory bundled() {
        try {
            return new DataDirectory(
                    Path.of(Data.class.getClassLoader().getResource("data").toURI()));
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The configured data folder, whether or not it exists. */
    static Path folder() {
        String configured = System.getProperty(PROPERTY);
        if (configured == null || configured.isBlank()) {
            // surefire runs in the module folder, so the project's parent is two levels up
            return Path.of("../../shared/data").toAbsolutePath().normalize();
        }
        Path folder = Path.of(configured);
        String invocationDir = System.getProperty("blender.invocation.dir");
        if (!folder.isAbsolute() && invocationDir != null) {
            folder = Path.of(invocationDir).resolve(folder);
        }
        return folder.toAbsolutePath().normalize();
    }

    /** The configured data folder if it holds every file named; otherwise the test is skipped, saying how to get them. */
    static DataDirectory require(String... relative) {
        Path root = folder();
        List<String> missing = Stream.of(relative)
                .filter(f -> !Files.isRegularFile(root.resolve(f)))
                .toList();
        Assumptions.assumeTrue(missing.isEmpty(), () -> howToGet(root, missing));
        return new DataDirectory(root);
    }

    static String howToGet(Path root, List<String> missing) {
        return "needs the benchmark data folder: " + String.join(", ", missing) + " not under " + root
                + ". Put the project's shared/ folder beside the clone, or run with -D" + PROPERTY
                + "=<folder laid out like shared/data>. README.md, section Tests, lists the tests that need it and"
                + " where each file comes from.";
    }

    /**
     * A data folder with the bundled AlpacaEval preferences and, for each of {@code models}, synthetic outputs
     * {@code output.apply(model, instruction index)} (the recorded outputs, about 1 MB per model, are not bundled).
     */
    static DataDirectory alpacaWithOutputs(
            Path folder, List<String> models, BiFunction<String, Integer, String> output) {
        try {
            Path from = bundled().root().resolve("alpaca_eval");
            Path to = Files.createDirectories(folder.resolve("alpaca_eval/model_outputs"))
                    .getParent();
            try (Stream<Path> files = Files.list(from)) {
                for (Path f : files.filter(Files::isRegularFile).toList()) {
                    Files.copy(f, to.resolve(f.getFileName().toString()));
                }
            }
            DataDirectory data = new DataDirectory(folder);
            List<String> instructions =
                    AlpacaEval.load(data, AlpacaEval.Judge.AE1).instructions();
            ObjectMapper json = new ObjectMapper();
            for (String model : models) {
                ArrayNode rows = json.createArrayNode();
                for (int i = 0; i < instructions.size(); i++) {
                    rows.addObject()
                            .put("instruction", instructions.get(i))
                            .put("output", output.apply(model, i))
                            .put("generator", model);
                }
                json.writeValue(to.resolve("model_outputs/" + model + ".json").toFile(), rows);
            }
            return data;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
