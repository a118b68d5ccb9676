package io.llmblender.ranker.rm;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.llmblender.ranker.deberta.AttentionMask;
import io.llmblender.ranker.deberta.DebertaV2Config;
import io.llmblender.ranker.deberta.DebertaV2Encoder;
import io.llmblender.ranker.pairrm.PairRmFixture;
import io.llmblender.runtime.DjlRuntime;
import io.llmblender.runtime.Tokenizers;
import io.llmblender.runtime.checkpoint.StateDict;
import io.llmblender.runtime.checkpoint.TensorSource;
import io.llmblender.runtime.kernel.Kernel;
import io.llmblender.runtime.kernel.Precision;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A tiny DeBERTa reward-model folder built for the test: the pairrm-e2e encoder weights renamed to transformers'
 * {@code deberta.} keys, a random pooler and classifier, the e2e config marked {@code
 * DebertaV2ForSequenceClassification}, and the real DeBERTa-v3 tokenizer.
 */
public final class TinyRewardModel {
    static final ObjectMapper JSON = new ObjectMapper();

    public final Path folder;
    final int hidden;
    final int labels;
    final float[] poolerWeight; // [hidden, hidden]
    final float[] poolerBias;
    final float[] classifierWeight; // [labels, hidden]
    final float[] classifierBias;

    private TinyRewardModel(Path folder, int hidden, int labels, SplittableRandom random) {
        this.folder = folder;
        this.hidden = hidden;
        this.labels = labels;
        this.poolerWeight = random(random, hidden * hidden, 0.3);
        this.poolerBias = random(random, hidden, 0.1);
        this.classifierWeight = random(random, labels * hidden, 0.3);
        this.classifierBias = random(random, labels, 0.1);
    }

    static TinyRewardModel build(Path dir, int labels, long seed) throws IOException {
        return build(PairRmFixture.resource("fixtures/pairrm-e2e"), dir, labels, seed);
    }

    /**
     * @param e2e the pairrm-e2e fixture folder (another module passes its path: the test jar holds no fixtures)
     * @param dir where the model folder is written
     */
    public static TinyRewardModel build(Path e2e, Path dir, int labels, long seed) throws IOException {
        ObjectNode config =
                (ObjectNode) JSON.readTree(e2e.resolve("config.json").toFile());
        config.putArray("architectures").add("DebertaV2ForSequenceClassification");
        config.put("num_labels", labels);
        for (String f :
                new String[] {"cand1_prefix_id", "cand2_prefix_id", "cand_prefix_id", "source_prefix_id", "n_tasks"}) {
            config.remove(f);
        }
        Files.writeString(dir.resolve("config.json"), config.toString());
        Files.copy(e2e.resolve("tokenizer.json"), dir.resolve("tokenizer.json"));
        int hidden = config.get("hidden_size").asInt();
        TinyRewardModel m = new TinyRewardModel(dir, hidden, labels, new SplittableRandom(seed));

        // the encoder's tensors, renamed; PairRM's head dropped
        byte[] file = Files.readAllBytes(e2e.resolve("model.safetensors"));
        long headerLength =
                ByteBuffer.wrap(file, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        JsonNode header = JSON.readTree(new String(file, 8, (int) headerLength, StandardCharsets.UTF_8));
        int dataStart = 8 + (int) headerLength;
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = header.properties().iterator(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getKey().startsWith("pretrained_model.")) {
                continue;
            }
            JsonNode t = e.getValue();
            int begin = t.get("data_offsets").get(0).asInt();
            int end = t.get("data_offsets").get(1).asInt();
            byte[] bytes = java.util.Arrays.copyOfRange(file, dataStart + begin, dataStart + end);
            long[] shape = new long[t.get("shape").size()];
            for (int i = 0; i < shape.length; i++) {
                shape[i] = t.get("shape").get(i).asLong();
            }
            tensors.put("deberta." + e.getKey().substring("pretrained_model.".length()), new Tensor(shape, bytes));
        }
        tensors.put("pooler.dense.weight", Tensor.of(m.poolerWeight, hidden, hidden));
        tensors.put("pooler.dense.bias", Tensor.of(m.poolerBias, hidden));
        tensors.put("classifier.weight", Tensor.of(m.classifierWeight, labels, hidden));
        tensors.put("classifier.bias", Tensor.of(m.classifierBias, labels));
        writeSafetensors(dir.resolve("model.safetensors"), tensors);
        return m;
    }

    /** The reward of (source, candidate) computed independently of the model class. */
    public double expectedReward(HuggingFaceTokenizer tok, String source, String candidate) {
        long[] src = tok.encode(source).getIds(); // [CLS] source [SEP]
        long[] cand = tok.encode(candidate).getIds(); // [CLS] candidate [SEP]: drop its [CLS]
        long[] row = new long[src.length + cand.length - 1];
        System.arraycopy(src, 0, row, 0, src.length);
        System.arraycopy(cand, 1, row, src.length, cand.length - 1);
        DebertaV2Config config = DebertaV2Config.read(folder.resolve("config.json"));
        try (NDManager m = DjlRuntime.newManager();
                Kernel fp32 = Kernel.open(Precision.FP32);
                TensorSource weights = TensorSource.open(folder.resolve("model.safetensors"))) {
            DebertaV2Encoder encoder =
                    DebertaV2Encoder.load(new StateDict(weights, m, "test"), "deberta.", config, fp32);
            NDArray hidden = encoder.forward(m, m.create(row, new Shape(1, row.length)), AttentionMask.NONE);
            return reward(hidden.get(new NDIndex("0, 0, :")).toFloatArray());
        }
    }

    /** {@link #expectedReward} of each candidate, with the folder's own tokenizer. */
    public double[] expectedRewards(String source, List<String> candidates) {
        try (HuggingFaceTokenizer tok = Tokenizers.load(folder, true, "test")) {
            double[] out = new double[candidates.size()];
            for (int c = 0; c < out.length; c++) {
                out[c] = expectedReward(tok, source, candidates.get(c));
            }
            return out;
        }
    }

    /**
     * The reward of one row from its {@code [CLS]} hidden state, in plain Java: {@code classifier(gelu(dense(h)))},
     * label 0, GELU in its exact erf form.
     */
    double reward(float[] cls) {
        double[] pooled = new double[hidden];
        for (int o = 0; o < hidden; o++) {
            double s = poolerBias[o];
            for (int i = 0; i < hidden; i++) {
                s += (double) poolerWeight[o * hidden + i] * cls[i];
            }
            pooled[o] = 0.5 * s * (1 + erf(s / Math.sqrt(2)));
        }
        double logit = classifierBias[0];
        for (int i = 0; i < hidden; i++) {
            logit += classifierWeight[i] * pooled[i];
        }
        return logit;
    }

    /** erf by its Maclaurin series, exact to double rounding for the |x| < 3 a tiny model produces. */
    static double erf(double x) {
        if (Math.abs(x) >= 3) {
            throw new IllegalArgumentException("the series is only used for |x| < 3, got " + x);
        }
        double term = x;
        double sum = x;
        for (int n = 1; n < 200; n++) {
            term *= -x * x / n;
            sum += term / (2 * n + 1);
        }
        return 2 / Math.sqrt(Math.PI) * sum;
    }

    record Tensor(long[] shape, byte[] bytes) {
        static Tensor of(float[] values, long... shape) {
            ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
            for (float v : values) {
                b.putFloat(v);
            }
            return new Tensor(shape, b.array());
        }
    }

    static void writeSafetensors(Path file, Map<String, Tensor> tensors) throws IOException {
        ObjectNode header = JSON.createObjectNode();
        long offset = 0;
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            ObjectNode t = header.putObject(e.getKey());
            t.put("dtype", "F32");
            var shape = t.putArray("shape");
            for (long d : e.getValue().shape()) {
                shape.add(d);
            }
            t.putArray("data_offsets").add(offset).add(offset + e.getValue().bytes().length);
            offset += e.getValue().bytes().length;
        }
        byte[] h = header.toString().getBytes(StandardCharsets.UTF_8);
        int padded = (h.length + 7) / 8 * 8;
        ByteBuffer out = ByteBuffer.allocate(8 + padded + (int) offset).order(ByteOrder.LITTLE_ENDIAN);
        out.putLong(padded).put(h);
        for (int i = h.length; i < padded; i++) {
            out.put((byte) ' ');
        }
        for (Tensor t : tensors.values()) {
            out.put(t.bytes());
        }
        Files.write(file, out.array());
    }

    private static float[] random(SplittableRandom random, int n, double scale) {
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            out[i] = (float) ((random.nextDouble() * 2 - 1) * scale);
        }
        return out;
    }
}
