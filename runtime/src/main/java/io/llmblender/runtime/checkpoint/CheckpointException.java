package io.llmblender.runtime.checkpoint;

import io.llmblender.runtime.BlenderException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A weight file is unreadable, malformed, unsafe, or does not fit the architecture. Names the file and, where
 * one is to blame, the tensor key: {@code model.safetensors: tensor 'head_layer.1.weight' has shape ...}.
 */
public class CheckpointException extends BlenderException {
    private static final long serialVersionUID = 1L;

    private final transient Path file;
    /** The tensor key at fault, or null when the whole file is. */
    private final String key;

    /**
     * A problem with {@code file}, or with one of its tensors when {@code key} is not null.
     *
     * @param file the checkpoint file (or shard index) at fault
     * @param key the tensor key at fault, or null when the problem is with the whole file
     * @param problem what is wrong, as the end of a sentence, e.g. {@code "has shape [3] but [4] is expected"}
     */
    public CheckpointException(Path file, String key, String problem) {
        super(format(file, key, problem));
        this.file = file;
        this.key = key;
    }

    /**
     * As {@link #CheckpointException(Path, String, String)}, keeping the lower-level failure as the cause.
     *
     * @param file the checkpoint file (or shard index) at fault
     * @param key the tensor key at fault, or null when the problem is with the whole file
     * @param problem what is wrong, as the end of a sentence
     * @param cause the underlying exception, e.g. an {@code IOException} while reading
     */
    public CheckpointException(Path file, String key, String problem, Throwable cause) {
        super(format(file, key, problem), cause);
        this.file = file;
        this.key = key;
    }

    private static String format(Path file, String key, String problem) {
        return key == null ? file + ": " + problem : file + ": tensor '" + key + "' " + problem;
    }

    /**
     * The checkpoint file at fault; null after deserialisation, since {@link Path} is not serialisable.
     *
     * @return the file named in the message
     */
    public Path file() {
        return file;
    }

    /**
     * The tensor key at fault, if the problem is with one tensor rather than the whole file.
     *
     * @return the key, e.g. {@code head_layer.1.weight}, or empty when the whole file is at fault
     */
    public Optional<String> key() {
        return Optional.ofNullable(key);
    }
}
