package io.llmblender.cli.option;

import picocli.CommandLine.Option;

/** {@code --input} and {@code --instruction}: what the candidate answers answer. */
public final class InputOptions {
    /** The user's input, {@code --input}. */
    @Option(names = "--input", required = true, description = "the user's input (prompt)")
    public String input;

    /** The instruction, {@code --instruction}, or null. */
    @Option(names = "--instruction", description = "an instruction, joined before the input with no separator")
    public String instruction;
}
