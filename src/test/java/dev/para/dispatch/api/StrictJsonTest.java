package dev.para.dispatch.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class StrictJsonTest {

    record Body(String name, Integer count, Boolean flag, List<String> tags) {}

    private final ObjectReader reader = new StrictJson().apply(new ObjectMapper(), Body.class);

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "{\"name\":\"a\",\"count\":\"3\"}                  | count",
                "{\"name\":\"a\",\"count\":3.5}                    | count",
                "{\"name\":7}                                      | name",
                "{\"name\":true}                                   | name",
                "{\"flag\":\"true\"}                               | flag",
                "{\"flag\":1}                                      | flag",
                "{\"tags\":\"one\"}                                | tags",
                "{\"name\":\"a\",\"extra\":1}                      | extra",
                "{\"name\":\"a\",\"nested\":{\"x\":1}}             | nested",
            })
    void refusesWhatALenientReaderWouldGuessAt(String body, String field) {
        JsonMappingException e = assertThrows(JsonMappingException.class, () -> reader.readValue(body));
        assertEquals(field, e.getPath().get(e.getPath().size() - 1).getFieldName(), e.getMessage());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "{\"name\":\"a\",\"count\":3,\"flag\":true,\"tags\":[\"x\"]}",
                "{}",
                "{\"count\":null}",
            })
    void readsWellTypedBodies(String body) throws Exception {
        reader.readValue(body);
    }

    @org.junit.jupiter.api.Test
    void leavesTheApplicationsMapperLenient() throws Exception {
        ObjectMapper app = new ObjectMapper()
                .disable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
        new StrictJson().apply(app, Body.class);
        assertEquals(
                3, app.readValue("{\"count\":\"3\",\"extra\":1}", Body.class).count());
    }
}
