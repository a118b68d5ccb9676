package io.llmblender.fuser;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Fixture folders for the fuser tests: the one a system property names, else the project's copy. */
public final class Fixtures {
    private Fixtures() {}

    public static Path folder(String property, String resource) {
        String configured = System.getProperty(property);
        if (configured == null || configured.isBlank()) {
            try {
                return Path.of(
                        Fixtures.class.getClassLoader().getResource(resource).toURI());
            } catch (URISyntaxException e) {
                throw new IllegalStateException(e);
            }
        }
        Path p = Path.of(configured);
        String invocationDir = System.getProperty("blender.invocation.dir");
        p = p.isAbsolute() || invocationDir == null ? p : Path.of(invocationDir).resolve(p);
        if (!Files.isRegularFile(p.resolve("cases.json"))) {
            throw new IllegalArgumentException("-D" + property + "=" + configured + " has no cases.json; point it at a"
                    + " folder laid out like shared/" + resource);
        }
        return p;
    }

    public static JsonNode cases(Path folder) {
        try {
            // the fixtures write margins that never occurred as Infinity, which strict JSON does not allow
            return new ObjectMapper()
                    .enable(com.fasterxml.jackson.core.json.JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS.mappedFeature())
                    .readTree(folder.resolve("cases.json").toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static long[] longs(JsonNode n) {
        long[] out = new long[n.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = n.get(i).asLong();
        }
        return out;
    }

    /** Every number of a nested array, row-major, as the float32 values the fixtures wrote. */
    public static float[] floats(JsonNode n) {
        List<Float> out = new ArrayList<>();
        collect(n, out);
        float[] f = new float[out.size()];
        for (int i = 0; i < f.length; i++) {
            f[i] = out.get(i);
        }
        return f;
    }

    private static void collect(JsonNode n, List<Float> out) {
        if (n.isArray()) {
            n.forEach(x -> collect(x, out));
        } else {
            out.add((float) n.asDouble());
        }
    }

    public static List<String> strings(JsonNode n) {
        List<String> out = new ArrayList<>();
        n.forEach(x -> out.add(x.asText()));
        return out;
    }
}
