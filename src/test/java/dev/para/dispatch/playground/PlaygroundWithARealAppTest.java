package dev.para.dispatch.playground;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.para.dispatch.testing.ApiTokens;
import dev.para.dispatch.testing.KubernetesMock;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A real App configured (the tests' GitHub, not a forge) and the playground asked for all the
 * same: it stays off. No forge listens, its routes answer 404, and nothing of a session can reach
 * playground code.
 */
@QuarkusTest
@TestProfile(PlaygroundWithARealAppTest.Profile.class)
class PlaygroundWithARealAppTest {

    static final int PORT = 47_911;

    public static class Profile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return KubernetesMock.configWith(
                    Map.of("para.playground.enabled", "true", "para.playground.port", String.valueOf(PORT)));
        }
    }

    @Inject
    Forge forge;

    @Test
    void thePlaygroundStaysOff() {
        org.junit.jupiter.api.Assertions.assertFalse(forge.running());
        for (String path : new String[] {"/playground", "/playground/pulls", "/playground/issues/1/comments"}) {
            given().get(path).then().statusCode(404).contentType("application/problem+json");
        }
        given().header("Authorization", ApiTokens.bearer("dev"))
                .contentType("application/json")
                .body("{\"body\":\"@para help\"}")
                .post("/playground/issues/1/comments")
                .then()
                .statusCode(404);
        assertThrows(ConnectException.class, () -> {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", PORT), 1000);
            }
        });
    }
}
