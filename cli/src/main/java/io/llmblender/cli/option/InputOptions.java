package io.llmblender.cli.option;

import picocli.CommandLine.Option;

/** {@code --input} and {@code --instruction}: what the candidate answers answer. */
public final class InputOptions {
    /** The user's input, {@code --input}, or null when {@code --batch} gives the inputs; read by {@link #input()}. */
    @Option(names = "--input", description = "the user's input (prompt); required unless --batch gives the inputs")
    public String input;

    /** The instruction, {@code --instruction}, or null. */
    @Option(names = "--instruction", description = "an instruction, joined before the input with no separator")
    public String instruction;

    /**
     * The input, refused with the fix when it was not given (it is optional only beside {@code --batch}).
     *
     * @return the input
     * @throws IllegalArgumentException if {@code --input} was not given
     */
    public String input() {
        if (input == null) {
            throw new IllegalArgumentException("Missing required option: '--input=<input>' (or --batch FILE.jsonl)");
        }
        return input;
    }
}
