package dev.para.dispatch.github.webhook;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;

/**
 * Reads one value out of a raw payload without building a tree: the intake uses it to decide
 * whether a delivery needs processing at all, on the request's event loop, so it must cost
 * microseconds. Objects it does not look into are skipped token by token, never materialised.
 * Anything unexpected (not JSON, another type) reads as absent.
 */
public final class PayloadPeek {

    private static final JsonFactory JSON = new JsonFactory();

    private PayloadPeek() {}

    /**
     * Whether the payload is one JSON object and nothing else, read to its end token by token (no
     * tree is built): GitHub sends JSON deliveries only, and anything else is not stored.
     */
    public static boolean isJsonObject(byte[] payload) {
        try (JsonParser parser = JSON.createParser(payload)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return false;
            }
            parser.skipChildren();
            return parser.nextToken() == null;
        } catch (IOException e) {
            return false;
        }
    }

    /** The top-level {@code action}; GitHub puts it first, so this reads a few bytes. */
    public static String action(byte[] payload) {
        try (JsonParser parser = JSON.createParser(payload)) {
            return parser.nextToken() == JsonToken.START_OBJECT ? stringField(parser, "action", 4) : null;
        } catch (IOException e) {
            return null;
        }
    }

    /** The string {@code field} of the top-level object {@code object}, e.g. the comment's body. */
    public static String text(byte[] payload, String object, String field) {
        try (JsonParser parser = JSON.createParser(payload)) {
            return into(parser, object) ? stringField(parser, field, Integer.MAX_VALUE) : null;
        } catch (IOException e) {
            return null;
        }
    }

    /** The integer {@code field} of the top-level object {@code object}, e.g. the installation's id. */
    public static Long number(byte[] payload, String object, String field) {
        try (JsonParser parser = JSON.createParser(payload)) {
            if (!into(parser, object)) {
                return null;
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                boolean isField = field.equals(parser.currentName());
                JsonToken value = parser.nextToken();
                if (isField) {
                    return value == JsonToken.VALUE_NUMBER_INT ? parser.getLongValue() : null;
                }
                parser.skipChildren();
            }
            return null;
        } catch (IOException e) {
            return null;
        }
    }

    /**
     * Moves the parser into the top-level object's field {@code object}, skipping the fields before
     * it; false when the payload has no such object.
     */
    private static boolean into(JsonParser parser, String object) throws IOException {
        if (parser.nextToken() != JsonToken.START_OBJECT) {
            return false;
        }
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            boolean isObject = object.equals(parser.currentName());
            JsonToken value = parser.nextToken();
            if (isObject) {
                return value == JsonToken.START_OBJECT;
            }
            parser.skipChildren();
        }
        return false;
    }

    /**
     * The string {@code field} of the object the parser is in, looked for among its first
     * {@code maxFields} fields. The values before it are skipped; nothing after the last field
     * looked at is read (a push's fourth field is its whole repository).
     */
    private static String stringField(JsonParser parser, String field, int maxFields) throws IOException {
        for (int fields = 1; parser.nextToken() == JsonToken.FIELD_NAME; fields++) {
            if (field.equals(parser.currentName())) {
                return parser.nextToken() == JsonToken.VALUE_STRING ? parser.getText() : null;
            }
            if (fields == maxFields) {
                return null;
            }
            parser.nextToken();
            parser.skipChildren();
        }
        return null;
    }
}
