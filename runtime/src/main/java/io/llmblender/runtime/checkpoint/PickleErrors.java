package io.llmblender.runtime.checkpoint;

import java.nio.file.Path;

/**
 * The two ways {@link RestrictedUnpickler} refuses a pickle, as messages naming the file and the opcode's byte:
 * something a state dict never needs (refused before it could run), or bytes that break the pickle's own rules.
 *
 * @param file named in every message
 */
record PickleErrors(Path file) {
    CheckpointException refused(int at, String what) {
        return new CheckpointException(
                file,
                null,
                "has a pickle that uses " + what + " (byte " + at + "); refused," + " nothing was executed");
    }

    CheckpointException malformed(int at, String what) {
        return new CheckpointException(file, null, "has a malformed pickle: it " + what + " (byte " + at + ")");
    }
}
