package io.llmblender.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ProgressBarTest {
    final StringWriter sink = new StringWriter();
    final AtomicLong nanos = new AtomicLong();

    ProgressBar bar(ProgressBar.Mode mode) {
        return new ProgressBar(new PrintWriter(sink), "Fusing", false, nanos::get, mode);
    }

    /** Updates {@code bar} with the clock at {@code millis} after its start. */
    void at(ProgressBar bar, long millis, long done, long total) {
        nanos.set(millis * 1_000_000L);
        bar.update(done, total);
    }

    @Test
    void on_a_terminal_the_bar_redraws_in_place_and_ends_its_line_when_finished() {
        // given an in-place bar
        ProgressBar bar = bar(ProgressBar.Mode.IN_PLACE);
        // when it is updated three times, the second within 200 ms of the first, then finishes
        at(bar, 0, 1, 10);
        at(bar, 100, 2, 10);
        at(bar, 400, 3, 10);
        at(bar, 1000, 10, 10);
        // then three drawings, each after a carriage return, and one newline at the very end
        String out = sink.toString();
        assertThat(out.chars().filter(ch -> ch == '\r')).hasSize(3);
        assertThat(out).doesNotContain(" 2 / 10").contains(" 3 / 10").endsWith("\n");
        assertThat(out.stripTrailing()).endsWith("10 / 10  10/s");
        assertThat(out.indexOf('\n')).isEqualTo(out.length() - 1);
    }

    @Test
    void off_a_terminal_the_bar_prints_plain_lines_at_most_every_five_seconds() {
        // given a bar for a log
        ProgressBar bar = bar(ProgressBar.Mode.LINES);
        // when it is updated at 0 s, 2 s, 6 s and finishes at 7 s
        at(bar, 0, 1, 4);
        at(bar, 2000, 2, 4);
        at(bar, 6000, 3, 4);
        at(bar, 7000, 4, 4);
        // then three lines and no carriage return
        String out = sink.toString();
        assertThat(out).doesNotContain("\r");
        assertThat(out.split("\n", -1))
                .hasSize(4)
                .satisfies(lines -> assertThat(lines[0]).contains(" 1 / 4"))
                .satisfies(lines -> assertThat(lines[1]).contains(" 3 / 4  0/s  ETA 2s"))
                .satisfies(lines -> assertThat(lines[2]).contains(" 4 / 4"))
                .satisfies(lines -> assertThat(lines[3]).isEmpty());
    }

    @Test
    void a_total_that_shrinks_to_the_steps_done_finishes_the_bar_without_an_eta() {
        // given a decode that had up to 16 steps and reported 3
        ProgressBar bar = bar(ProgressBar.Mode.IN_PLACE);
        at(bar, 500, 3, 16);
        // when it stops early and says so (step == max), as DecodingProgress does
        at(bar, 1000, 11, 11);
        // then the line is finished: the next output starts on a line of its own, after no ETA
        String out = sink.toString();
        String last = out.substring(out.lastIndexOf('\r') + 1);
        assertThat(out).contains("ETA");
        assertThat(last).doesNotContain("ETA").contains("11 / 11").endsWith("\n");
    }

    @Test
    void a_shorter_redraw_blanks_what_the_longer_one_left() {
        ProgressBar bar = bar(ProgressBar.Mode.IN_PLACE);
        at(bar, 0, 5, 1000); // "... 5 / 1000  0/s"
        at(bar, 1000, 500, 1000); // longer: with a rate and an ETA
        at(bar, 2000, 1000, 1000); // shorter again: no ETA
        String out = sink.toString();
        String[] drawings = out.split("\r");
        assertThat(drawings[3].stripTrailing()).isEqualTo(bar.line(1000, 1000, 2.0));
        assertThat(drawings[3]).hasSize(drawings[2].length() + 1); // padded to the longer one, then the newline
    }
}
