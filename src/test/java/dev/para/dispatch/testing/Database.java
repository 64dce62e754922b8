package dev.para.dispatch.testing;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * One PostgreSQL database, by its datasource settings ({@code quarkus.datasource.jdbc.url},
 * {@code .username}, {@code .password}), read and written with plain JDBC.
 */
public final class Database {

    private final Map<String, String> settings;

    public Database(Map<String, String> settings) {
        this.settings = Map.copyOf(settings);
    }

    /** The settings, with the reactive URL too: what a service process is configured with. */
    public Map<String, String> settings() {
        Map<String, String> all = new HashMap<>(settings);
        all.put(
                "quarkus.datasource.reactive.url",
                settings.get("quarkus.datasource.jdbc.url").substring("jdbc:".length()));
        return all;
    }

    /** A new, empty database on the same server: a test's own, so that nothing it does reaches another test. */
    public Database createSibling() {
        String name = "t_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
        query("CREATE DATABASE " + name);
        String url = settings.get("quarkus.datasource.jdbc.url");
        Map<String, String> sibling = new HashMap<>(settings);
        sibling.put("quarkus.datasource.jdbc.url", url.substring(0, url.lastIndexOf('/') + 1) + name);
        return new Database(sibling);
    }

    public List<Map<String, Object>> query(String sql, Object... params) {
        try (Connection c = DriverManager.getConnection(
                        settings.get("quarkus.datasource.jdbc.url"),
                        settings.get("quarkus.datasource.username"),
                        settings.get("quarkus.datasource.password"));
                PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            List<Map<String, Object>> rows = new ArrayList<>();
            if (ps.execute()) {
                try (ResultSet rs = ps.getResultSet()) {
                    while (rs.next()) {
                        Map<String, Object> row = new HashMap<>();
                        for (int col = 1; col <= rs.getMetaData().getColumnCount(); col++) {
                            row.put(rs.getMetaData().getColumnLabel(col), rs.getObject(col));
                        }
                        rows.add(row);
                    }
                }
            }
            return rows;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    public long count(String sql, Object... params) {
        return ((Number) query(sql, params).get(0).values().iterator().next()).longValue();
    }
}
