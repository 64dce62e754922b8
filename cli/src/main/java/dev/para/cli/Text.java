package dev.para.cli;

import java.time.Duration;

/** Small text helpers of the command's output. */
final class Text {

    private Text() {}

    /** The first line of {@code s}, at most {@code max} characters. */
    static String firstLine(String s, int max) {
        if (s == null) {
            return "";
        }
        int end = s.indexOf('\n');
        String line = (end < 0 ? s : s.substring(0, end)).strip();
        return line.length() <= max ? line : line.substring(0, Math.max(0, max - 1)) + "…";
    }

    /** {@code 75s} as {@code 1m15s}; {@code 3725s} as {@code 1h02m}. */
    static String elapsed(Duration d) {
        long s = Math.max(0, d.getSeconds());
        if (s < 60) {
            return s + "s";
        }
        if (s < 3600) {
            return (s / 60) + "m" + String.format("%02d", s % 60) + "s";
        }
        return (s / 3600) + "h" + String.format("%02d", (s % 3600) / 60) + "m";
    }

    /** Pads or cuts {@code s} to {@code width} columns. */
    static String fit(String s, int width) {
        if (s.length() > width) {
            return s.substring(0, Math.max(0, width - 1)) + "…";
        }
        return s + " ".repeat(width - s.length());
    }
}
