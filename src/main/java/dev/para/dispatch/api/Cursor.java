package dev.para.dispatch.api;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Opaque keyset cursors: the last key of a page, base64url-encoded. Clients pass it back as
 * {@code cursor}; they must not build one themselves, and a broken one is a 400.
 */
public final class Cursor {

    private Cursor() {}

    public static String encode(long lastKey) {
        return Base64.getUrlEncoder().withoutPadding()
                .encodeToString(("k:" + lastKey).getBytes(StandardCharsets.UTF_8));
    }

    /** The key after which the page starts; {@code Long.MIN_VALUE} when no cursor was given. */
    public static long decodeLong(String cursor) {
        if (cursor == null || cursor.isEmpty()) {
            return Long.MIN_VALUE;
        }
        try {
            String raw = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
            if (!raw.startsWith("k:")) {
                throw new IllegalArgumentException();
            }
            return Long.parseLong(raw.substring(2));
        } catch (IllegalArgumentException e) {
            throw ProblemException.badRequest("cursor", "is not a cursor this API handed out");
        }
    }
}
