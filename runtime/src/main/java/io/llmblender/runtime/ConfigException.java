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
    /** The field at fault, or null when the whole file is. */
    private final String field;

    /**
     * A problem with {@code field} of {@code file}; either may be null when there is no file or no one field to blame.
     *
     * @param file the configuration file, or null (a command-line option, a system property)
     * @param field the field at fault, e.g. {@code hidden_size}, or null when the whole file is
     * @param problem what is wrong and the fix, as the end of a sentence, e.g. {@code "is -1; expected a positive
     *     integer"}
     */
    public ConfigException(Path file, String field, String problem) {
        super(format(file, field, problem));
        this.file = file;
        this.field = field;
    }

    /**
     * As {@link #ConfigException(Path, String, String)}, keeping the lower-level failure as the cause.
     *
     * @param file the configuration file, or null
     * @param field the field at fault, or null
     * @param problem what is wrong and the fix, as the end of a sentence
     * @param cause the underlying exception, e.g. a JSON parse error
     */
    public ConfigException(Path file, String field, String problem, Throwable cause) {
        super(format(file, field, problem), cause);
        this.file = file;
        this.field = field;
    }

    private static String format(Path file, String field, String problem) {
        String where = file == null ? "" : file + ": ";
        return field == null ? where + problem : where + "field '" + field + "' " + problem;
    }

    /**
     * The configuration file at fault.
     *
     * @return the file, or empty when the value came from elsewhere (or after deserialisation)
     */
    public Optional<Path> file() {
        return Optional.ofNullable(file);
    }

    /**
     * The field at fault.
     *
     * @return the field's name, or empty when the problem is with the whole file
     */
    public Optional<String> field() {
        return Optional.ofNullable(field);
    }
}
