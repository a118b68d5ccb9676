package io.llmblender.cli.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Runs one part of a benchmark in a fresh JVM and reads back what it measured. A process's peak resident memory
 * only rises, and the launcher keeps freed memory mapped, so memory figures per precision or per strategy are
 * honest only from a process of their own. The child is this same program (same java, classpath, JVM options
 * and environment) started with the given {@code blender} arguments plus {@code --child-json FILE}; its stderr
 * lines are passed on as progress. Stateless.
 */
public final class ChildJvm {
    /** snake_case JSON, as the benchmarks' files are specified. */
    public static final ObjectMapper JSON = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(SerializationFeature.INDENT_OUTPUT);

    /** The child touches its whole heap at start, so RSS growth after warm-up is native memory. */
    static final String PRE_TOUCH = "-XX:+AlwaysPreTouch";

    private ChildJvm() {}

    /**
     * Runs {@code blender <args> --child-json FILE} in a new JVM and returns the JSON it wrote.
     *
     * @param args the {@code blender} arguments of the child
     * @param systemProperties extra {@code -Dkey=value} options, e.g. to allow emulated bf16
     * @param progress told each line the child prints (stdout and stderr together), prefixed with {@code "  | "}
     * @return the child's JSON result
     */
    public static JsonNode run(List<String> args, List<String> systemProperties, Consumer<String> progress) {
        try {
            Path out = Files.createTempFile("blender-bench-", ".json");
            try {
                List<String> command = new ArrayList<>();
                command.add(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString());
                List<String> inherited = ManagementFactory.getRuntimeMXBean().getInputArguments();
                for (String option : inherited) {
                    if (!option.startsWith("-agentlib") && !option.startsWith("-javaagent")) {
                        command.add(option); // heap size, offline flags, headless: as the parent runs
                    }
                }
                if (!inherited.contains(PRE_TOUCH)) {
                    // RSS counts a heap page the first time it is touched: a 3B decode's per-step logits and beam
                    // bookkeeping touched fresh young-generation pages for a hundred steps and showed as 1.3-1.8
                    // MiB/step of "growth" (0.04 with the heap pre-touched). Touching the heap at start puts it
                    // in the baseline, so RSS growth measures native memory.
                    command.add(PRE_TOUCH);
                }
                systemProperties.forEach(p -> command.add("-D" + p));
                command.add("-cp");
                command.add(System.getProperty("java.class.path"));
                command.add("io.llmblender.cli.BlenderCommand");
                command.addAll(args);
                command.add("--child-json");
                command.add(out.toString());
                Process p =
                        new ProcessBuilder(command).redirectErrorStream(true).start();
                try (BufferedReader r =
                        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String line = r.readLine(); line != null; line = r.readLine()) {
                        progress.accept("  | " + line);
                    }
                }
                int code = p.waitFor();
                if (code != 0 || Files.size(out) == 0) {
                    throw new IllegalStateException("the benchmark child `blender " + String.join(" ", args)
                            + "` exited with code " + code + "; its output is above");
                }
                return JSON.readTree(out.toFile());
            } finally {
                Files.deleteIfExists(out);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run a benchmark child JVM: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while a benchmark child ran", e);
        }
    }

    /**
     * One benchmark row in a child JVM that may emulate bf16 (the row names its precision), its progress lines
     * echoed to {@code err} as they come, its report read as {@code type}.
     *
     * @param args the blender arguments of the row
     * @param err where the child's progress lines go
     * @param type the report's record type
     * @param <T> the report's type
     * @return the child's report
     * @throws IOException if the report does not have {@code type}'s shape
     */
    public static <T> T runRow(List<String> args, java.io.PrintWriter err, Class<T> type) throws IOException {
        JsonNode report = run(args, List.of("blender.bf16.emulate=true"), line -> {
            err.println(line);
            err.flush();
        });
        return JSON.treeToValue(report, type);
    }

    /**
     * Writes a child's result where the parent asked for it.
     *
     * @param file where the parent asked for the result
     * @param result the result, written as JSON
     */
    public static void write(Path file, Object result) {
        try {
            JSON.writeValue(file.toFile(), result);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }
}
