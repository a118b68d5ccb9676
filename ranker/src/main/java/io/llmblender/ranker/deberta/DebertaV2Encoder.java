package io.llmblender.ranker.deberta;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.llmblender.runtime.checkpoint.StateDict;
import io.llmblender.runtime.kernel.Kernel;
import io.llmblender.runtime.nn.LayerNorm;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;

/**
 * The DeBERTa-v2/v3 encoder (HF {@code DebertaV2Model} without pooler): embeddings, then the layers, all
 * sharing one relative-position index and one normalised relative-embedding table. Produces
 * {@code last_hidden_state}.
 *
 * <p>Immutable after loading; thread-safe (each call brings its own manager).
 */
public final class DebertaV2Encoder {
    private final DebertaV2Config config;
    private final RelativePositions positions;
    private final DebertaV2Embeddings embeddings;
    private final List<DebertaV2Layer> layers;

    private DebertaV2Encoder(DebertaV2Config config, DebertaV2Embeddings embeddings, List<DebertaV2Layer> layers) {
        this.config = config;
        this.positions = new RelativePositions(config);
        this.embeddings = embeddings;
        this.layers = List.copyOf(layers);
    }

    /**
     * Takes the encoder's weights under {@code prefix} (PairRM: {@code pretrained_model.}). The relative
     * embeddings are normalised once here and fed to every layer's position projections. Every linear layer and
     * attention product runs on {@code kernel}, whose precision was chosen when the model loaded.
     *
     * @param w the checkpoint's weights
     * @param prefix the key prefix, e.g. {@code pretrained_model.} or {@code deberta.}
     * @param c the architecture
     * @param kernel computes the layers' matmuls (fp32 or bf16)
     * @return the encoder, whose arrays belong to {@code w}'s manager
     */
    public static DebertaV2Encoder load(StateDict w, String prefix, DebertaV2Config c, Kernel kernel) {
        return load(w, prefix, c, kernel, DEFAULT_BLOCK_ELEMENTS);
    }

    /**
     * The attention's block, in elements of one {@code [heads, queries, keys]} score term of one row: at most 4 Mi
     * floats (16 MiB), which bounds a pass's attention memory whatever the row length. (At PairRM's shapes the cap
     * of 64 Ki query–key pairs per block, which keeps a block's index slice in L2, binds first: 16 heads × 64 Ki.)
     */
    public static final long DEFAULT_BLOCK_ELEMENTS = 1L << 22;

    /**
     * As {@link #load(StateDict, String, DebertaV2Config, Kernel)} with another attention block size.
     *
     * @param w the checkpoint's weights
     * @param prefix the key prefix
     * @param c the architecture
     * @param kernel computes the layers' matmuls
     * @param blockElements elements of one attention block's score term, at least 1
     * @return the encoder
     */
    public static DebertaV2Encoder load(
            StateDict w, String prefix, DebertaV2Config c, Kernel kernel, long blockElements) {
        if (blockElements < 1) {
            throw new IllegalArgumentException(
                    "the attention block must hold at least one element, not " + blockElements);
        }
        int h = c.hiddenSize();
        w.ignore(prefix + "embeddings.position_ids"); // legacy buffer of transformers < 4.31 (spec §1.5)
        DebertaV2Embeddings embeddings = DebertaV2Embeddings.load(w, prefix + "embeddings.", c);
        NDArray rel = w.take(prefix + "encoder.rel_embeddings.weight", 2L * c.attentionSpan(), h);
        if (c.normRelEmbeddings()) {
            LayerNorm norm = new LayerNorm(
                    w.take(prefix + "encoder.LayerNorm.weight", h),
                    w.take(prefix + "encoder.LayerNorm.bias", h),
                    c.layerNormEps());
            rel = norm.apply(rel);
        }
        List<DebertaV2Layer> layers = new ArrayList<>();
        for (int i = 0; i < c.numHiddenLayers(); i++) {
            layers.add(DebertaV2Layer.load(w, prefix + "encoder.layer." + i + ".", c, rel, kernel, blockElements));
        }
        rel.close(); // each layer keeps its own projections of it; the table itself is not needed at run time
        return new DebertaV2Encoder(c, embeddings, layers);
    }

    /**
     * The encoder's pass: embeddings, then every layer's disentangled attention and feed-forward (HF {@code
     * DebertaV2Model.forward}).
     *
     * @param manager owns every array of the pass
     * @param ids {@code [B, L]} int64 token ids, owned by the forward pass's {@code manager}
     * @param mask the padding mask, {@link AttentionMask#NONE}, or a packed batch's rows ({@code ids} then
     *     {@code [1, Σ lengths]})
     * @return {@code last_hidden_state}, {@code [B, L, H]}, in the same manager
     */
    public NDArray forward(NDManager manager, NDArray ids, AttentionMask mask) {
        // packed rows attend within themselves: the table only has to span the longest row
        int length = (int) mask.longestRow(ids.getShape().get(1));
        RelativePositions.Tables index = positions.tables(manager, length, config.p2c());
        NDArray x = embeddings.forward(ids, mask);
        for (DebertaV2Layer layer : layers) {
            // A caller that gave up (a server whose client left, a deadline) interrupts the thread: stop between
            // layers instead of finishing a pass nobody waits for. The flag stays set for the caller to see.
            if (Thread.currentThread().isInterrupted()) {
                throw new CancellationException("the forward pass was interrupted between layers");
            }
            // One scope per layer: its intermediates (and its input) are freed as soon as its output exists,
            // so a pass holds one layer's working set, not all of them.
            try (NDManager step = manager.newSubManager()) {
                x.attach(step);
                NDArray y = layer.forward(x, index, mask);
                y.attach(manager);
                x = y;
            }
        }
        return x;
    }

    /**
     * The architecture this encoder was built for.
     *
     * @return the configuration
     */
    public DebertaV2Config config() {
        return config;
    }
}
