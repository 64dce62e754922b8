package dev.para.dispatch;

/** Text as the service shows it in reasons and logs. */
public final class Texts {

    private Texts() {}

    /** The text cut to {@code max} characters, with an ellipsis when it was longer. */
    public static String truncate(String text, int max) {
        return text.length() > max ? text.substring(0, max) + "…" : text;
    }
}
