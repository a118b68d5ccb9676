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
    private final String key;

    public CheckpointException(Path file, String key, String problem) {
        super(format(file, key, problem));
        this.file = file;
        this.key = key;
    }

    public CheckpointException(Path file, String key, String problem, Throwable cause) {
        super(format(file, key, problem), cause);
        this.file = file;
        this.key = key;
    }

    private static String format(Path file, String key, String problem) {
        return key == null ? file + ": " + problem : file + ": tensor '" + key + "' " + problem;
    }

    public Path file() {
        return file;
    }

    /** The tensor key at fault, if the problem is with one tensor rather than the whole file. */
    public Optional<String> key() {
        return Optional.ofNullable(key);
    }
}
