package dev.para.dispatch.devmode;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.eclipse.microprofile.config.spi.ConfigSource;

/**
 * Dev-mode defaults, computed on first use: the embedded PostgreSQL starts only when a datasource
 * URL is actually read. Low ordinal, so anything an operator sets wins.
 */
final class DevDefaultsConfigSource implements ConfigSource {

    private static final Set<String> DATABASE_KEYS = Set.of(
            "quarkus.datasource.reactive.url",
            "quarkus.datasource.jdbc.url",
            "quarkus.datasource.username",
            "quarkus.datasource.password");
    private static final Set<String> JWT_KEYS = Set.of("mp.jwt.verify.publickey");

    private final boolean database;
    private static final String SESSION_RUNTIME = "para.session-runtime";

    private final boolean jwt;
    private final boolean localSessions;
    private final String issuer;

    DevDefaultsConfigSource(boolean database, boolean jwt, boolean localSessions, String issuer) {
        this.database = database;
        this.jwt = jwt;
        this.localSessions = localSessions;
        this.issuer = issuer;
    }

    @Override
    public Set<String> getPropertyNames() {
        Set<String> names = new java.util.HashSet<>();
        if (database) {
            names.addAll(DATABASE_KEYS);
        }
        if (jwt) {
            names.addAll(JWT_KEYS);
        }
        if (localSessions) {
            names.add(SESSION_RUNTIME);
        }
        return names;
    }

    @Override
    public Map<String, String> getProperties() {
        Map<String, String> values = new HashMap<>();
        for (String name : getPropertyNames()) {
            values.put(name, getValue(name));
        }
        return values;
    }

    @Override
    public String getValue(String name) {
        if (database && DATABASE_KEYS.contains(name)) {
            int port = DevPostgres.port();
            return switch (name) {
                case "quarkus.datasource.reactive.url" -> "postgresql://localhost:" + port + "/postgres";
                case "quarkus.datasource.jdbc.url" -> "jdbc:postgresql://localhost:" + port + "/postgres";
                case "quarkus.datasource.username" -> DevPostgres.USER;
                default -> DevPostgres.PASSWORD;
            };
        }
        if (jwt && JWT_KEYS.contains(name)) {
            return DevJwtKey.publicKeyPem(issuer);
        }
        if (localSessions && SESSION_RUNTIME.equals(name)) {
            return "local";
        }
        return null;
    }

    @Override
    public int getOrdinal() {
        return 50;
    }

    @Override
    public String getName() {
        return "para-dispatch dev defaults";
    }
}
