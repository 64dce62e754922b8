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

    /** The top-level {@code action}; GitHub puts it first, so this reads a few bytes. */
    public static String action(byte[] payload) {
        try (JsonParser parser = JSON.createParser(payload)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            for (int fields = 0; fields < 4 && parser.nextToken() == JsonToken.FIELD_NAME; fields++) {
                boolean isAction = "action".equals(parser.currentName());
                JsonToken value = parser.nextToken();
                if (isAction) {
                    return value == JsonToken.VALUE_STRING ? parser.getText() : null;
                }
                parser.skipChildren();
            }
            return null;
        } catch (IOException e) {
            return null;
        }
    }

    /** The string {@code field} of the top-level object {@code object}, e.g. the comment's body. */
    public static String text(byte[] payload, String object, String field) {
        try (JsonParser parser = JSON.createParser(payload)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                boolean isObject = object.equals(parser.currentName());
                JsonToken value = parser.nextToken();
                if (isObject) {
                    return value == JsonToken.START_OBJECT ? textField(parser, field) : null;
                }
                parser.skipChildren();
            }
            return null;
        } catch (IOException e) {
            return null;
        }
    }

    private static String textField(JsonParser parser, String field) throws IOException {
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            boolean isField = field.equals(parser.currentName());
            JsonToken value = parser.nextToken();
            if (isField) {
                return value == JsonToken.VALUE_STRING ? parser.getText() : null;
            }
            parser.skipChildren();
        }
        return null;
    }
}
