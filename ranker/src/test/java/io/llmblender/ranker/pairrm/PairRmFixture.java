package io.llmblender.ranker.pairrm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A PairRM fixture folder ({@code config.json}, weight files, {@code cases.json}) of the layout of
 * {@code shared/fixtures/pairrm-tiny}. The folder comes from the system property {@code pairrm.fixtures};
 * by default it is the project's own copy in the test resources, so the tests need nothing outside the project.
 */
public final class PairRmFixture {
    public static final String PROPERTY = "pairrm.fixtures";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path folder;
    private final JsonNode cases;

    private PairRmFixture(Path folder) {
        this.folder = folder;
        try {
            this.cases = JSON.readTree(folder.resolve("cases.json").toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + folder.resolve("cases.json"), e);
        }
    }

    public static PairRmFixture load() {
        return new PairRmFixture(folder(PROPERTY, "fixtures/pairrm-tiny"));
    }

    /**
     * A fixture folder: the one the system property {@code property} names (relative paths resolve against the
     * directory mvn was started in), else the project's own copy under the test resources.
     */
    public static Path folder(String property, String resource) {
        String configured = System.getProperty(property);
        if (configured == null || configured.isBlank()) {
            return resource(resource);
        }
        Path folder = Path.of(configured);
        String invocationDir = System.getProperty("blender.invocation.dir");
        if (!folder.isAbsolute() && invocationDir != null) {
            folder = Path.of(invocationDir).resolve(folder);
        }
        if (!Files.isRegularFile(folder.resolve("cases.json"))) {
            throw new IllegalArgumentException("-D" + property + "=" + configured + " has no cases.json; point it at a"
                    + " folder laid out like shared/" + resource);
        }
        return folder;
    }

    public static Path resource(String name) {
        try {
            return Path.of(
                    PairRmFixture.class.getClassLoader().getResource(name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    public Path folder() {
        return folder;
    }

    public List<JsonNode> cases() {
        List<JsonNode> out = new ArrayList<>();
        cases.get("cases").forEach(out::add);
        return out;
    }

    public JsonNode specialTokens() {
        return cases.get("special_tokens");
    }

    /** The weight file a case names, e.g. "model.fp16.safetensors, every tensor upcast ..." -> that file. */
    public Path weightsOf(JsonNode testCase) {
        String described = testCase.get("weights").asText().strip();
        int end = 0;
        while (end < described.length()
                && !Character.isWhitespace(described.charAt(end))
                && described.charAt(end) != ','
                && described.charAt(end) != '(') {
            end++;
        }
        return folder.resolve(described.substring(0, end));
    }

    public static long[][] longs2(JsonNode node) {
        long[][] out = new long[node.size()][];
        for (int i = 0; i < out.length; i++) {
            JsonNode row = node.get(i);
            out[i] = new long[row.size()];
            for (int j = 0; j < out[i].length; j++) {
                out[i][j] = row.get(j).asLong();
            }
        }
        return out;
    }

    /** Every number of a nested array, in row-major order, as the float32 values they round-trip to. */
    public static float[] floats(JsonNode node) {
        List<Float> out = new ArrayList<>();
        collect(node, out);
        float[] f = new float[out.size()];
        for (int i = 0; i < f.length; i++) {
            f[i] = out.get(i);
        }
        return f;
    }

    private static void collect(JsonNode node, List<Float> out) {
        if (node.isArray()) {
            node.forEach(n -> collect(n, out));
        } else {
            out.add((float) node.asDouble());
        }
    }

    public static int[] ints(JsonNode node) {
        int[] out = new int[node.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = node.get(i).asInt();
        }
        return out;
    }
}
