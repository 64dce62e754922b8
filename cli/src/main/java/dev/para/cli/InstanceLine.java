package dev.para.cli;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * One instance as {@code --follow} shows it, on one line: spinner or outcome, state, elapsed time,
 * turns and cost as reported, then its PR link, or why it ended, or what the agent last said.
 * Colour only where the terminal takes it; ASCII where its locale is not UTF-8.
 */
final class InstanceLine {

    private static final String[] SPINNER = {"⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"};
    /** For terminals whose locale is not UTF-8: what they can show. */
    private static final String[] ASCII_SPINNER = {"|", "/", "-", "\\"};

    /** What is known of one instance. */
    static final class Row {
        final int index;
        String state = "QUEUED";
        String reason;
        Instant startedAt;
        Instant finishedAt;
        Integer turns;
        String cost;
        String last;
        String prUrl;
        String plainShown;

        Row(int index) {
            this.index = index;
        }

        boolean ended() {
            return !state.equals("QUEUED") && !state.equals("PENDING") && !state.equals("RUNNING");
        }
    }

    private final boolean unicode;
    private final boolean colour;
    private final Clock clock;

    InstanceLine(boolean unicode, boolean colour, Clock clock) {
        this.unicode = unicode;
        this.colour = colour;
        this.clock = clock;
    }

    /** One instance's line; plain lines leave out what changes every second (elapsed, spinner). */
    String render(Row row, boolean live, int tick) {
        StringBuilder s = new StringBuilder();
        s.append(live ? symbol(row, tick) + " " : "")
                .append('#')
                .append(row.index)
                .append(' ');
        s.append(paint(row.state, Text.fit(row.state, 10)));
        if (live) {
            s.append(' ').append(Text.fit(elapsed(row), 7));
        }
        if (row.turns != null) {
            s.append(" turns ").append(row.turns);
        }
        if (row.cost != null) {
            s.append(' ').append(row.cost);
        }
        if (row.prUrl != null) {
            s.append("  ").append(row.prUrl);
        } else if (row.ended() && row.reason != null) {
            s.append("  ").append(Text.firstLine(row.reason, 100));
        } else if (row.last != null) {
            s.append("  ").append(Text.firstLine(row.last, 60));
        }
        return s.toString().stripTrailing();
    }

    private String symbol(Row row, int tick) {
        String[] spinner = unicode ? SPINNER : ASCII_SPINNER;
        return switch (row.state) {
            case "SUCCEEDED" -> paint(row.state, unicode ? "✓" : "+");
            case "QUEUED", "PENDING", "RUNNING" -> spinner[(tick + row.index) % spinner.length];
            case "CANCELLED" -> paint(row.state, unicode ? "■" : "#");
            default -> paint(row.state, unicode ? "✗" : "x");
        };
    }

    private String paint(String state, String text) {
        if (!colour) {
            return text;
        }
        String code = switch (state) {
            case "SUCCEEDED" -> "32";
            case "RUNNING" -> "36";
            case "QUEUED", "PENDING", "CANCELLED" -> "33";
            default -> "31";
        };
        return "\033[" + code + "m" + text + "\033[0m";
    }

    private String elapsed(Row row) {
        if (row.startedAt == null) {
            return "";
        }
        Instant end = row.finishedAt != null ? row.finishedAt : clock.instant();
        return Text.elapsed(Duration.between(row.startedAt, end));
    }
}
