package io.llmblender.cli.option;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** {@code --candidates FILE_OR_JSON}: a JSON array of strings, or a file with one (or one answer per line). */
public final class CandidatesOption {
    /** The option's raw value: a JSON array of strings, or a file path. */
    @Option(
            names = "--candidates",
            paramLabel = "FILE_OR_JSON",
            description = "a JSON array of strings, or a file holding one (or one candidate per line); required"
                    + " unless --batch gives the candidates")
    public String candidates;

    /**
     * The candidate answers; a one-line {@link IllegalArgumentException} for anything unusable.
     *
     * @return the candidates, in order
     */
    public List<String> read() {
        if (candidates == null) {
            throw new IllegalArgumentException(
                    "Missing required option: '--candidates=FILE_OR_JSON' (or --batch FILE.jsonl)");
        }
        String text = candidates;
        String trimmed = text.strip();
        if (!trimmed.startsWith("[")) {
            Path file = Path.of(text);
            if (!Files.isRegularFile(file)) {
                throw new IllegalArgumentException(
                        "--candidates " + text + " is neither a JSON array nor a readable file");
            }
            try {
                trimmed = Files.readString(file).strip();
            } catch (IOException e) {
                throw new IllegalArgumentException("--candidates " + file + " cannot be read: " + e.getMessage());
            }
        }
        List<String> out = new ArrayList<>();
        if (trimmed.startsWith("[")) {
            try {
                for (JsonNode n : new ObjectMapper().readTree(trimmed)) {
                    if (!n.isTextual()) {
                        throw new IllegalArgumentException("--candidates must be a JSON array of strings; found " + n);
                    }
                    if (n.asText().isBlank()) {
                        // the CLI's rule, as the server's: a blank answer gives a ranker nothing to judge
                        throw new IllegalArgumentException(
                                "--candidates: candidate " + out.size() + " is blank; give every candidate's text");
                    }
                    out.add(n.asText());
                }
            } catch (JsonProcessingException e) {
                throw new IllegalArgumentException("--candidates is not valid JSON: " + e.getOriginalMessage());
            }
        } else {
            trimmed.lines().filter(l -> !l.isBlank()).forEach(out::add);
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("--candidates is empty; give at least one candidate answer");
        }
        return out;
    }
}
