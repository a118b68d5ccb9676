package io.llmblender.cli;

import io.llmblender.runtime.BlenderException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * Every failure of the {@code blender} command is one line on stderr and exit code 1: the project's own errors as
 * they are worded, a usage error with a "did you mean" where a name was mistyped, and anything else (a provider's
 * HTTP 500, a refused connection) as its exception's messages joined on that line. {@code --verbose} adds the
 * stack trace. Stateless apart from the verbosity switch it reads.
 */
final class ErrorHandler implements CommandLine.IExecutionExceptionHandler, CommandLine.IParameterExceptionHandler {
    /** Longest message kept on the line; a provider's error body can be pages of HTML. */
    private static final int MAX_MESSAGE = 600;

    private final BooleanSupplier verbose;

    ErrorHandler(BooleanSupplier verbose) {
        this.verbose = verbose;
    }

    @Override
    public int handleExecutionException(Exception e, CommandLine cmd, CommandLine.ParseResult parsed) {
        PrintWriter err = cmd.getErr();
        // a message worded by this project says all there is; one wrapping someone else's failure may need the trace
        boolean ours = (e instanceof BlenderException || e instanceof IllegalArgumentException)
                && (e.getCause() == null || e.getCause() instanceof BlenderException);
        String hint = ours || verbose.getAsBoolean() ? "" : " (--verbose prints the stack trace)";
        err.println("blender: " + describe(e) + hint);
        if (verbose.getAsBoolean()) {
            e.printStackTrace(err);
        }
        err.flush();
        return 1;
    }

    @Override
    public int handleParseException(ParameterException e, String[] args) {
        CommandLine cmd = e.getCommandLine();
        PrintWriter err = cmd.getErr();
        String name = cmd.getCommandSpec().qualifiedName();
        // picocli reports a missing required option before an unknown one, although the unknown one is usually the
        // same option mistyped (--modle for --model): name the typo first.
        ParameterException shown = e;
        if (!(e instanceof UnmatchedArgumentException)
                && !cmd.getUnmatchedArguments().isEmpty()) {
            shown = new UnmatchedArgumentException(cmd, cmd.getUnmatchedArguments());
        }
        String message = shown instanceof UnmatchedArgumentException u ? unmatched(u) : oneLine(shown.getMessage());
        err.println(name + ": " + message + " (see '" + name + " --help')");
        err.flush();
        return 1;
    }

    private static String unmatched(UnmatchedArgumentException e) {
        CommandLine cmd = e.getCommandLine();
        List<String> unmatched = e.getUnmatched();
        String first = unmatched.isEmpty() ? "?" : unmatched.get(0);
        String what = first.startsWith("-")
                ? "unknown option '" + first + "'"
                : cmd.getSubcommands().isEmpty()
                        ? "unexpected argument '" + first + "'"
                        : "unknown command '" + first + "'";
        List<String> suggestions = e.getSuggestions();
        if (suggestions.isEmpty()) {
            return what;
        }
        return what + "; did you mean " + String.join(" or ", suggestions.subList(0, Math.min(3, suggestions.size())))
                + "?";
    }

    /**
     * The exception's own message for the project's errors (verbatim); otherwise each distinct message along the cause chain
     * (a langchain4j HTTP error wraps the status and the connection failure), on one line.
     */
    static String describe(Throwable e) {
        if (e instanceof BlenderException || e instanceof IllegalArgumentException) {
            // worded for the user already; a configuration's list of problems keeps its one line per problem
            String own = e.getMessage() == null
                    ? e.getClass().getSimpleName()
                    : e.getMessage().strip();
            Throwable cause = e.getCause();
            boolean foreign = cause != null && !(cause instanceof BlenderException);
            return foreign ? own + ": " + describe(cause) : own;
        }
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            // the JDK's HTTP client throws these without a message; langchain4j wraps them in a bare RuntimeException
            if (t instanceof java.net.ConnectException) {
                return "cannot connect (nothing listens there, or the connection was refused)";
            }
            if (t instanceof java.net.http.HttpTimeoutException) {
                return "timed out: " + oneLine(String.valueOf(t.getMessage()));
            }
        }
        List<String> parts = new ArrayList<>();
        for (Throwable t = e; t != null && parts.size() < 4; t = t.getCause() == t ? null : t.getCause()) {
            String m = t.getMessage() == null ? "" : oneLine(t.getMessage());
            String part =
                    m.isEmpty() ? t.getClass().getSimpleName() : t.getClass().getSimpleName() + ": " + m;
            if (parts.stream().noneMatch(p -> p.contains(m.isEmpty() ? part : m))) {
                parts.add(part);
            }
        }
        String line = String.join("; caused by ", parts);
        return line.length() > MAX_MESSAGE ? line.substring(0, MAX_MESSAGE - 3) + "..." : line;
    }

    private static String oneLine(String s) {
        return s.strip().replaceAll("\\s*\\R\\s*", " ");
    }
}
