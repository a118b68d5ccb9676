package io.llmblender.runtime;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * A progress bar on a stream (stderr in the CLI): done/total, rate and ETA. On a terminal it is one line redrawn
 * in place with {@code \r} at most a few times a second; elsewhere (a log file, a pipe, CI) it is plain lines, at
 * most one every few seconds, so a log never fills with carriage returns. The final state always draws and ends
 * its line, so what is printed next starts on a line of its own. Units are items or bytes. The clock is
 * injected so tests never sleep. Not thread-safe.
 */
public final class ProgressBar {
    /** How the bar is drawn. */
    public enum Mode {
        /** one line, redrawn with {@code \r}: for a terminal */
        IN_PLACE,
        /** a new line per drawing: for logs and pipes */
        LINES;

        /**
         * {@link #IN_PLACE} when the process's stderr is a terminal, else {@link #LINES}.
         *
         * @return the mode that suits the process's stderr
         */
        public static Mode forStderr() {
            return stderrIsTerminal() ? IN_PLACE : LINES;
        }
    }

    private static final long IN_PLACE_INTERVAL_NANOS = 200_000_000L;
    private static final long LINES_INTERVAL_NANOS = 5_000_000_000L;

    private final PrintWriter out;
    private final String label;
    private final boolean bytes;
    private final LongSupplier nanoClock;
    private final Mode mode;
    private final long start;
    private long lastDraw = Long.MIN_VALUE;
    private boolean drawn;
    private int lastWidth;

    /**
     * A bar drawn in {@code mode}.
     *
     * @param out where the bar is drawn
     * @param label what is counted, e.g. a file name
     * @param bytes true to show sizes and rates in bytes (KiB, MiB), false for plain counts
     * @param nanoClock the time source, in nanoseconds ({@code System::nanoTime})
     * @param mode in place (a terminal) or one line per drawing (logs)
     */
    public ProgressBar(PrintWriter out, String label, boolean bytes, LongSupplier nanoClock, Mode mode) {
        this.out = out;
        this.label = label;
        this.bytes = bytes;
        this.nanoClock = nanoClock;
        this.mode = mode;
        this.start = nanoClock.getAsLong();
    }

    /**
     * A bar drawn as {@link Mode#forStderr()} says.
     *
     * @param out where the bar is drawn
     * @param label what is counted, e.g. a file name
     * @param bytes true to show sizes and rates in bytes (KiB, MiB), false for plain counts
     * @param nanoClock the time source, in nanoseconds ({@code System::nanoTime})
     */
    public ProgressBar(PrintWriter out, String label, boolean bytes, LongSupplier nanoClock) {
        this(out, label, bytes, nanoClock, Mode.forStderr());
    }

    /**
     * A bar drawn as {@link Mode#forStderr()} says, on the system clock.
     *
     * @param out where the bar is drawn
     * @param label what is counted, e.g. a file name
     * @param bytes true to show sizes and rates in bytes, false for plain counts
     */
    public ProgressBar(PrintWriter out, String label, boolean bytes) {
        this(out, label, bytes, System::nanoTime);
    }

    /**
     * Draws {@code done} of {@code total} (total ≤ 0: unknown) if the last drawing is old enough; always draws
     * the final state ({@code done >= total}) and ends the line.
     *
     * @param done units done so far
     * @param total units in all, or 0 or less if unknown
     */
    public void update(long done, long total) {
        long now = nanoClock.getAsLong();
        boolean finished = total > 0 && done >= total;
        long interval = mode == Mode.IN_PLACE ? IN_PLACE_INTERVAL_NANOS : LINES_INTERVAL_NANOS;
        if (!finished && drawn && now - lastDraw < interval) {
            return;
        }
        lastDraw = now;
        drawn = true;
        String line = line(done, total, (now - start) / 1e9);
        if (mode == Mode.IN_PLACE) {
            // spaces over what a longer earlier drawing left behind
            out.print('\r' + line + " ".repeat(Math.max(0, lastWidth - line.length())));
            lastWidth = line.length();
            if (finished) {
                out.println();
            }
        } else {
            out.println(line);
        }
        out.flush();
    }

    /**
     * The text of the bar, e.g. {@code Downloading  [#####.....]  52.0 MiB / 104.0 MiB  12.5 MiB/s  ETA 4s}.
     *
     * @param done units done so far
     * @param total units in all, or 0 or less if unknown
     * @param seconds time since the bar started, for rate and ETA
     * @return one line of text without a line break
     */
    public String line(long done, long total, double seconds) {
        StringBuilder sb = new StringBuilder(label).append(' ');
        if (total > 0) {
            int width = 24;
            int filled = (int) Math.min(width, width * done / total);
            sb.append('[')
                    .append("#".repeat(filled))
                    .append(".".repeat(width - filled))
                    .append("] ");
            sb.append(amount(done)).append(" / ").append(amount(total));
        } else {
            sb.append(amount(done));
        }
        double rate = seconds > 0 ? done / seconds : 0;
        sb.append("  ").append(amount((long) rate)).append("/s");
        if (total > 0 && rate > 0 && done < total) {
            sb.append("  ETA ").append(duration((total - done) / rate));
        }
        return sb.toString();
    }

    private String amount(long n) {
        if (!bytes) {
            return Long.toString(n);
        }
        if (n < 1024) {
            return n + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double v = n;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
    }

    private static String duration(double seconds) {
        long s = Math.round(seconds);
        return s < 60 ? s + "s" : s < 3600 ? (s / 60) + "m" + (s % 60) + "s" : (s / 3600) + "h" + (s % 3600 / 60) + "m";
    }

    /**
     * Whether file descriptor 2 is a terminal: on Linux, what {@code /proc/self/fd/2} links to (a pseudo-terminal
     * or a tty, not a pipe, file or socket); elsewhere Java's console check, which looks at stdin and stdout.
     */
    private static boolean stderrIsTerminal() {
        try {
            String target = Files.readSymbolicLink(Path.of("/proc/self/fd/2")).toString();
            return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty") || target.equals("/dev/console");
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return System.console() != null;
        }
    }
}
