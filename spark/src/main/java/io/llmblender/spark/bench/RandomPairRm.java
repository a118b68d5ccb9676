package io.llmblender.spark.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Writes a PairRM-hf folder of any width and depth with random weights, shaped after a small template folder (the
 * tiny pairrm-e2e fixture): its tokenizer and config, every dimension equal to the template's hidden size scaled
 * to {@code hidden} (twice it to {@code 2·hidden}), layer 0's tensors repeated for each layer. Weights are
 * N(0, 0.02), LayerNorm weights 1 and biases 0. For benchmarks only: the rankings mean nothing.
 */
public final class RandomPairRm {
    private static final ObjectMapper JSON = new ObjectMapper();

    private RandomPairRm() {}

    /**
     * Writes the folder.
     *
     * @param template a PairRM-hf folder whose config.json, tokenizer and tensor names to follow
     * @param dir the folder to write (created)
     * @param hidden the hidden size (a multiple of 64)
     * @param layers the number of encoder layers
     * @return {@code dir}
     */
    public static Path write(Path template, Path dir, int hidden, int layers) {
        try {
            Files.createDirectories(dir);
            ObjectNode config =
                    (ObjectNode) JSON.readTree(template.resolve("config.json").toFile());
            int small = config.get("hidden_size").asInt();
            config.put("hidden_size", hidden)
                    .put("intermediate_size", 2 * hidden)
                    .put("pooler_hidden_size", hidden)
                    .put("num_attention_heads", Math.max(1, hidden / 64))
                    .put("num_hidden_layers", layers);
            JSON.writeValue(dir.resolve("config.json").toFile(), config);
            for (String f : List.of(
                    "tokenizer.json", "tokenizer_config.json", "special_tokens_map.json", "added_tokens.json")) {
                if (Files.exists(template.resolve(f))) {
                    Files.copy(template.resolve(f), dir.resolve(f), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                }
            }
            writeWeights(
                    template.resolve("model.safetensors"), dir.resolve("model.safetensors"), small, hidden, layers);
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write a random PairRM into " + dir + ": " + e.getMessage(), e);
        }
    }

    private static void writeWeights(Path template, Path out, int small, int hidden, int layers) throws IOException {
        Map<String, long[]> shapes = new LinkedHashMap<>();
        for (Map.Entry<String, long[]> e : templateShapes(template).entrySet()) {
            String name = e.getKey();
            if (name.contains(".encoder.layer.") && !name.contains(".encoder.layer.0.")) {
                continue;
            }
            long[] shape = e.getValue().clone();
            for (int d = 0; d < shape.length; d++) {
                shape[d] = shape[d] == small ? hidden : shape[d] == 2L * small ? 2L * hidden : shape[d];
            }
            for (int l = 0; l < (name.contains(".encoder.layer.0.") ? layers : 1); l++) {
                shapes.put(name.replace(".encoder.layer.0.", ".encoder.layer." + l + "."), shape);
            }
        }
        ObjectNode header = JSON.createObjectNode();
        long offset = 0;
        for (Map.Entry<String, long[]> e : shapes.entrySet()) {
            long n = 1;
            ObjectNode t = header.putObject(e.getKey()).put("dtype", "F32");
            var shape = t.putArray("shape");
            for (long d : e.getValue()) {
                shape.add(d);
                n *= d;
            }
            t.putArray("data_offsets").add(offset).add(offset + 4 * n);
            offset += 4 * n;
        }
        byte[] h = header.toString().getBytes(StandardCharsets.UTF_8);
        SplittableRandom random = new SplittableRandom(7);
        try (OutputStream os = new java.io.BufferedOutputStream(Files.newOutputStream(out), 1 << 20)) {
            os.write(ByteBuffer.allocate(8)
                    .order(ByteOrder.LITTLE_ENDIAN)
                    .putLong(h.length)
                    .array());
            os.write(h);
            ByteBuffer buf = ByteBuffer.allocate(4 << 16).order(ByteOrder.LITTLE_ENDIAN);
            for (Map.Entry<String, long[]> e : shapes.entrySet()) {
                long n = 1;
                for (long d : e.getValue()) {
                    n *= d;
                }
                boolean norm = e.getKey().contains("LayerNorm");
                boolean weight = e.getKey().endsWith("weight");
                for (long i = 0; i < n; i++) {
                    float v = norm ? (weight ? 1f : 0f) : (float) (nextGaussian(random) * 0.02);
                    buf.putFloat(v);
                    if (!buf.hasRemaining()) {
                        os.write(buf.array(), 0, buf.position());
                        buf.clear();
                    }
                }
            }
            os.write(buf.array(), 0, buf.position());
        }
    }

    private static double nextGaussian(SplittableRandom r) {
        // Box-Muller; SplittableRandom has no nextGaussian on Java 17
        return Math.sqrt(-2 * Math.log(1 - r.nextDouble())) * Math.cos(2 * Math.PI * r.nextDouble());
    }

    private static Map<String, long[]> templateShapes(Path file) throws IOException {
        try (var in = Files.newInputStream(file)) {
            long n = ByteBuffer.wrap(in.readNBytes(8))
                    .order(ByteOrder.LITTLE_ENDIAN)
                    .getLong();
            JsonNode header = JSON.readTree(in.readNBytes((int) n));
            Map<String, long[]> out = new LinkedHashMap<>();
            for (Iterator<String> it = header.fieldNames(); it.hasNext(); ) {
                String name = it.next();
                if (name.equals("__metadata__")) {
                    continue;
                }
                List<Long> dims = new ArrayList<>();
                header.get(name).get("shape").forEach(d -> dims.add(d.asLong()));
                out.put(name, dims.stream().mapToLong(Long::longValue).toArray());
            }
            return out;
        }
    }
}
