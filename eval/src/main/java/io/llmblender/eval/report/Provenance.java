package io.llmblender.eval.report;

import java.time.ZonedDateTime;

/** The lines every report ends its settings with: when and where the numbers were measured. */
final class Provenance {
    private Provenance() {}

    /** Markdown lines (hard breaks), so a reader can tell a laptop's run from a server's. */
    static String dateAndMachine() {
        Runtime rt = Runtime.getRuntime();
        return "Date: " + ZonedDateTime.now() + "  \nMachine: " + System.getProperty("os.name") + " "
                + System.getProperty("os.arch") + ", " + rt.availableProcessors() + " cores, Java "
                + Runtime.version() + ", max heap " + (rt.maxMemory() >> 20) + " MiB\n";
    }
}
