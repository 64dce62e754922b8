package dev.para.dispatch.devmode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smallrye.config.ConfigSourceContext;
import io.smallrye.config.ConfigValue;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;
import org.eclipse.microprofile.config.spi.ConfigSource;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** When dev mode's defaults stand the playground in for GitHub, and when they never do. */
class DevDefaultsConfigSourceFactoryTest {

    @ParameterizedTest(name = "profile {0}, {1}={2}: playground {3}")
    @CsvSource(
            nullValues = "-",
            value = {
                "dev,  -,                               -,      true", //  a new user's first start
                "dev,  para.github.app-id,              12345,  false", // a real App: never the playground
                "dev,  para.playground.enabled,         false,  false", // turned off by hand
                "dev,  quarkus.kubernetes-client.api-server-url, https://k8s:6443, false", // pods cannot reach loopback
                "prod, -,                               -,      false", // production: no dev defaults at all
                "test, -,                               -,      false",
            })
    void thePlaygroundStandsInOnlyForADevModeWithNoAppAndNoCluster(
            String profile, String key, String value, boolean playground) {
        Map<String, String> config = new HashMap<>();
        // Sessions on this machine (as with no cluster), but for the row that names a cluster.
        if (!"quarkus.kubernetes-client.api-server-url".equals(key)) {
            config.put("para.session-runtime", "local");
        }
        if (key != null) {
            config.put(key, value);
        }
        List<ConfigSource> sources = StreamSupport.stream(
                        new DevDefaultsConfigSourceFactory()
                                .getConfigSources(context(profile, config))
                                .spliterator(),
                        false)
                .toList();
        boolean found = sources.stream().anyMatch(DevPlaygroundConfigSource.class::isInstance);
        assertEquals(playground, found, sources.toString());
        if (found) {
            ConfigSource forge = sources.stream()
                    .filter(DevPlaygroundConfigSource.class::isInstance)
                    .findFirst()
                    .orElseThrow();
            assertTrue(forge.getOrdinal() > 250 && forge.getOrdinal() < 300, "between application.properties and env");
            String port = forge.getValue("para.playground.port");
            assertEquals("http://127.0.0.1:" + port + "/api/v3", forge.getValue("para.github.api-url"));
            assertEquals("http://127.0.0.1:" + port, forge.getValue("para.sessions.git-url"));
            assertEquals("true", forge.getValue("para.playground.enabled"));
        }
    }

    /**
     * What the build recorded of the playground's own settings (Quarkus keeps the run-time values it
     * read while building, at ordinal 0) is not an App someone configured: the next start of dev
     * mode, or a live reload, keeps the playground.
     */
    @org.junit.jupiter.api.Test
    void theValuesTheBuildRecordedOfThePlaygroundDoNotTurnItOff() {
        Map<String, String> config =
                Map.of("para.github.app-id", "1", "para.playground.enabled", "true", "para.session-runtime", "local");
        boolean playground = StreamSupport.stream(
                        new DevDefaultsConfigSourceFactory()
                                .getConfigSources(context(
                                        "dev",
                                        config,
                                        java.util.Set.of("para.github.app-id", "para.playground.enabled")))
                                .spliterator(),
                        false)
                .anyMatch(DevPlaygroundConfigSource.class::isInstance);
        assertTrue(playground);
    }

    private static ConfigSourceContext context(String profile, Map<String, String> config) {
        return context(profile, config, java.util.Set.of());
    }

    /** A context whose {@code recorded} keys come from what the build recorded (ordinal 0), the others from a user. */
    private static ConfigSourceContext context(
            String profile, Map<String, String> config, java.util.Set<String> recorded) {
        return new ConfigSourceContext() {
            @Override
            public ConfigValue getValue(String name) {
                return config.containsKey(name)
                        ? ConfigValue.builder()
                                .withName(name)
                                .withValue(config.get(name))
                                .withConfigSourceName(
                                        recorded.contains(name) ? "Runtime Values" : "application.properties")
                                .withConfigSourceOrdinal(recorded.contains(name) ? 0 : 250)
                                .build()
                        : null;
            }

            @Override
            public Iterator<String> iterateNames() {
                return config.keySet().iterator();
            }

            @Override
            public List<String> getProfiles() {
                return List.of(profile);
            }
        };
    }
}
