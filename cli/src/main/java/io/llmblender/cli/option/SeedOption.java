package io.llmblender.cli.option;

import picocli.CommandLine.Option;

/** {@code --seed}: where the seeded strategies (bubble, knockout, top-k) start, for commands that select. */
public final class SeedOption {
    /** The seed, mixed with each input's content so different inputs meet different first duels. */
    @Option(
            names = "--seed",
            defaultValue = "7",
            description = "seed of the bubble and knockout start orders (mixed with the input's content)")
    public long seed;
}
