package dev.para.dispatch.testing;

import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.config.ConfigProvider;

/** Plain JDBC against the test database (a {@link Database}), to check what the service really stored. */
public final class Db {

    private Db() {}

    public static List<Map<String, Object>> query(String sql, Object... params) {
        return new Database(database()).query(sql, params);
    }

    /**
     * The test database: the one the application under test is configured with, or, in a test
     * without one (the fault tests, which start the service as processes), the tests' PostgreSQL.
     */
    public static Map<String, String> database() {
        var config = ConfigProvider.getConfig();
        var url = config.getOptionalValue("quarkus.datasource.jdbc.url", String.class);
        if (url.isEmpty()) {
            return new PostgresResource().start();
        }
        return Map.of(
                "quarkus.datasource.jdbc.url",
                url.get(),
                "quarkus.datasource.username",
                config.getValue("quarkus.datasource.username", String.class),
                "quarkus.datasource.password",
                config.getValue("quarkus.datasource.password", String.class));
    }

    public static long count(String sql, Object... params) {
        return new Database(database()).count(sql, params);
    }
}
