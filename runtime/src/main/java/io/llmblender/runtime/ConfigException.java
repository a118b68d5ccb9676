package io.llmblender.runtime;

import java.nio.file.Path;
import java.util.Optional;

/**
 * A configuration value is missing, malformed or unsupported. Names the file (when there is one) and the
 * field, so the message reads {@code config.json: field 'hidden_size' ...}.
 */
public class ConfigException extends BlenderException {
    private static final long serialVersionUID = 1L;

    private final transient Path file;
    private final String field;

    public ConfigException(Path file, String field, String problem) {
        super(format(file, field, problem));
        this.file = file;
        this.field = field;
    }

    public ConfigException(Path file, String field, String problem, Throwable cause) {
        super(format(file, field, problem), cause);
        this.file = file;
        this.field = field;
    }

    private static String format(Path file, String field, String problem) {
        String where = file == null ? "" : file + ": ";
        return field == null ? where + problem : where + "field '" + field + "' " + problem;
    }

    public Optional<Path> file() {
        return Optional.ofNullable(file);
    }

    public Optional<String> field() {
        return Optional.ofNullable(field);
    }
}
