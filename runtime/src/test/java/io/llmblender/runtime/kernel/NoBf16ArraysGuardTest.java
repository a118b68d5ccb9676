package io.llmblender.runtime.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * DJL 0.36 aborts the JVM (no exception, no stack trace) on any bf16 array: {@code toType(DataType.BFLOAT16)},
 * {@code create(..., BFLOAT16)}, {@code zeros(..., BFLOAT16)}. bf16 lives only inside {@link Bf16Kernel}'s
 * TorchScript module, so no main source of any module may name the constant at all; comments and strings may.
 */
class NoBf16ArraysGuardTest {
    private static final Pattern BF16 = Pattern.compile("\\bBFLOAT16\\b");

    @Test
    void no_main_source_of_any_module_names_djls_bf16_type() throws IOException {
        Path root = repositoryRoot();
        List<Path> sources;
        try (Stream<Path> files = Files.walk(root)) {
            sources = files.filter(p -> p.toString().endsWith(".java"))
                    .filter(p ->
                            root.relativize(p).toString().replace('\\', '/').matches("[^/]+/src/main/java/.*"))
                    .collect(Collectors.toList());
        }
        // the walk reached every model module, so a pass means something
        Set<String> modules = sources.stream()
                .map(p -> root.relativize(p).getName(0).toString())
                .collect(Collectors.toCollection(TreeSet::new));
        assertThat(modules).contains("runtime", "ranker", "fuser");

        List<String> offences = new ArrayList<>();
        for (Path source : sources) {
            for (int line : offendingLines(read(source))) {
                offences.add(root.relativize(source) + ":" + line);
            }
        }
        assertThat(offences)
                .as("DataType.BFLOAT16 in main code aborts the JVM once it runs; do bf16 inside a kernel's "
                        + "TorchScript module (io.llmblender.runtime.kernel.Bf16Kernel) and keep DJL arrays fp32")
                .isEmpty();
    }

    @Test
    void the_guard_sees_casts_and_creations_but_not_comments_or_strings() {
        String source = String.join(
                "\n",
                "class A {",
                "  // a comment may say toType(DataType.BFLOAT16) aborts",
                "  /* so may a block: BFLOAT16 */",
                "  String s = \"BFLOAT16 \\\" still a string\";",
                "  NDArray a = x.toType(DataType.BFLOAT16, false);",
                "  NDArray b = manager.zeros(new Shape(2), BFLOAT16);",
                "  char c = '\"'; NDArray d = manager.create(buffer, shape, ai.djl.ndarray.types.DataType.BFLOAT16);",
                "}");

        assertThat(offendingLines(source)).containsExactly(5, 6, 7);
    }

    /** Lines (1-based) where BFLOAT16 appears in code, after blanking comments and string and char literals. */
    static List<Integer> offendingLines(String source) {
        String code = blankCommentsAndLiterals(source);
        List<Integer> lines = new ArrayList<>();
        Matcher m = BF16.matcher(code);
        while (m.find()) {
            int line = 1
                    + (int) code.substring(0, m.start())
                            .chars()
                            .filter(ch -> ch == '\n')
                            .count();
            if (!lines.contains(line)) {
                lines.add(line);
            }
        }
        return lines;
    }

    /** Replaces comments and literals by spaces, keeping newlines so line numbers stay right. */
    private static String blankCommentsAndLiterals(String s) {
        StringBuilder out = new StringBuilder(s.length());
        int i = 0;
        while (i < s.length()) {
            char c = s.charAt(i);
            String end = null;
            if (s.startsWith("//", i)) {
                end = "\n";
            } else if (s.startsWith("/*", i)) {
                end = "*/";
            } else if (s.startsWith("\"\"\"", i)) {
                end = "\"\"\"";
            } else if (c == '"' || c == '\'') {
                end = String.valueOf(c);
            }
            if (end == null) {
                out.append(c);
                i++;
                continue;
            }
            boolean literal = end.length() == 1 && c != '/'; // a '…' or "…" literal, where \ escapes
            int j = i + (end.equals("\n") ? 2 : end.length()); // past the opening //, /*, """, " or '
            while (j < s.length() && !s.startsWith(end, j)) {
                j += literal && s.charAt(j) == '\\' ? 2 : 1;
            }
            j = Math.min(s.length(), j + (end.equals("\n") ? 0 : end.length())); // a line comment keeps its \n
            for (int k = i; k < j; k++) {
                out.append(s.charAt(k) == '\n' ? '\n' : ' ');
            }
            i = j;
        }
        return out.toString();
    }

    /** The reactor root: the highest folder above this module that still holds a pom.xml. */
    private static Path repositoryRoot() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir.getParent() != null && Files.exists(dir.getParent().resolve("pom.xml"))) {
            dir = dir.getParent();
        }
        assertThat(dir.resolve("runtime").resolve("pom.xml"))
                .as(
                        "the walk up from %s should reach the reactor root",
                        Path.of("").toAbsolutePath())
                .exists();
        return dir;
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
