package io.llmblender.runtime;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * A one-line progress bar on a terminal stream (stderr in the CLI): done/total, rate and ETA, redrawn in place
 * with {@code \r} at most a few times a second. Units are items or bytes. The clock is injected so tests never
 * sleep. Not thread-safe.
 */
public final class ProgressBar {
    private final PrintWriter out;
    private final String label;
    private final boolean bytes;
    private final LongSupplier nanoClock;
    private final long start;
    private long lastDraw = Long.MIN_VALUE;
    private boolean drawn;

    public ProgressBar(PrintWriter out, String label, boolean bytes, LongSupplier nanoClock) {
        this.out = out;
        this.label = label;
        this.bytes = bytes;
        this.nanoClock = nanoClock;
        this.start = nanoClock.getAsLong();
    }

    public ProgressBar(PrintWriter out, String label, boolean bytes) {
        this(out, label, bytes, System::nanoTime);
    }

    /** Redraws for {@code done} of {@code total} (total ≤ 0: unknown); always draws the final state. */
    public void update(long done, long total) {
        long now = nanoClock.getAsLong();
        boolean finished = total > 0 && done >= total;
        if (!finished && drawn && now - lastDraw < 200_000_000L) {
            return;
        }
        lastDraw = now;
        drawn = true;
        out.print('\r' + line(done, total, (now - start) / 1e9));
        if (finished) {
            out.println();
        }
        out.flush();
    }

    /** The text of the bar, e.g. {@code Downloading  [#####.....]  52.0 MiB / 104.0 MiB  12.5 MiB/s  ETA 4s}. */
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
}
