package io.llmblender.cli;

import io.llmblender.runtime.BlenderException;
import picocli.CommandLine;

/**
 * Turns the project's own errors into one readable line on stderr and exit code 1; anything unexpected keeps
 * its stack trace, because that is a bug to report.
 */
final class ErrorHandler implements CommandLine.IExecutionExceptionHandler {
    @Override
    public int handleExecutionException(Exception e, CommandLine cmd, CommandLine.ParseResult parsed) {
        if (e instanceof BlenderException || e instanceof IllegalArgumentException) {
            cmd.getErr().println("blender: " + e.getMessage());
            return 1;
        }
        e.printStackTrace(cmd.getErr());
        return 2;
    }
}
