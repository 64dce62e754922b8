package dev.para.cli;

import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;

/**
 * What a command may touch of the world it runs in: environment variables, standard streams,
 * whether standard output is a terminal. Tests give it their own.
 */
record Env(Map<String, String> variables, InputStream in, PrintStream out, PrintStream err, boolean terminal) {

    static Env system() {
        Map<String, String> variables = System.getenv();
        boolean terminal =
                System.console() != null && !"dumb".equals(variables.get("TERM")) && variables.get("TERM") != null;
        return new Env(variables, System.in, System.out, System.err, terminal);
    }

    String get(String name) {
        String value = variables.get(name);
        return value == null || value.isBlank() ? null : value;
    }

    /** Colour only on a terminal, and never with {@code NO_COLOR} set (no-color.org). */
    boolean colour() {
        return terminal && !variables.containsKey("NO_COLOR");
    }

    /** Whether the terminal's locale shows more than ASCII (LC_ALL, LC_CTYPE or LANG names UTF-8). */
    boolean unicode() {
        for (String name : new String[] {"LC_ALL", "LC_CTYPE", "LANG"}) {
            String value = get(name);
            if (value != null) {
                String v = value.toUpperCase(java.util.Locale.ROOT);
                return v.contains("UTF-8") || v.contains("UTF8");
            }
        }
        return false;
    }

    /** {@code $XDG_CONFIG_HOME/para/config}, else {@code ~/.config/para/config}. */
    Path configFile() {
        String xdg = get("XDG_CONFIG_HOME");
        Path base = xdg != null
                ? Path.of(xdg)
                : Path.of(get("HOME") != null ? get("HOME") : System.getProperty("user.home"), ".config");
        return base.resolve("para").resolve("config");
    }
}
