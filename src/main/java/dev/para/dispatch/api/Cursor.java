package dev.para.dispatch.api;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Opaque keyset cursors: the last key of a page (a number or a name), base64url-encoded. Clients
 * pass it back as {@code cursor}; they must not build one themselves, and a broken one is a 400.
 */
public final class Cursor {

    private static final String NUMBER = "k:";
    private static final String NAME = "n:";

    private Cursor() {}

    public static String encode(long lastKey) {
        return wrap(NUMBER + lastKey);
    }

    public static String encode(String lastName) {
        return wrap(NAME + lastName);
    }

    /** The key after which the page starts; {@code whenAbsent} when no cursor was given. */
    public static long decodeLong(String cursor, long whenAbsent) {
        if (cursor == null || cursor.isEmpty()) {
            return whenAbsent;
        }
        try {
            return Long.parseLong(unwrap(cursor, NUMBER));
        } catch (NumberFormatException e) {
            throw invalid();
        }
    }

    /** The name after which the page starts; the empty string (before every name) when no cursor was given. */
    public static String decodeName(String cursor) {
        return cursor == null || cursor.isEmpty() ? "" : unwrap(cursor, NAME);
    }

    private static String wrap(String raw) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(raw.getBytes(StandardCharsets.UTF_8));
    }

    private static String unwrap(String cursor, String kind) {
        String raw;
        try {
            raw = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw invalid();
        }
        if (!raw.startsWith(kind)) {
            throw invalid();
        }
        return raw.substring(kind.length());
    }

    private static ProblemException invalid() {
        return ProblemException.badRequest("cursor", "is not a cursor this API handed out");
    }
}
