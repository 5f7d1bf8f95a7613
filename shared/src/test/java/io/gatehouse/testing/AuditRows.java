package io.gatehouse.testing;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads {@code audit_events} straight from the database, past the API under test, so a test can
 * tell what was stored and when.
 */
public final class AuditRows {

    private AuditRows() {
    }

    /**
     * @param url       the JDBC URL of the gateway's database
     * @param user      its user
     * @param requestId a request id
     * @return every row for it, oldest first, by lower-case column name; empty when the table does not exist yet
     * @throws SQLException when the database cannot be read
     */
    public static List<Map<String, Object>> read(String url, String user, String requestId) throws SQLException {
        try (Connection connection = DriverManager.getConnection(url, user, "")) {
            try (ResultSet tables = connection.getMetaData().getTables(null, null, "%", null)) {
                boolean exists = false;
                while (tables.next()) {
                    exists |= "audit_events".equalsIgnoreCase(tables.getString("TABLE_NAME"));
                }
                if (!exists) {
                    return List.of();
                }
            }
            try (PreparedStatement statement = connection.prepareStatement("SELECT * FROM audit_events WHERE request_id = ? ORDER BY seq")) {
                statement.setString(1, requestId);
                try (ResultSet rows = statement.executeQuery()) {
                    ResultSetMetaData meta = rows.getMetaData();
                    List<Map<String, Object>> out = new ArrayList<>();
                    while (rows.next()) {
                        Map<String, Object> row = new LinkedHashMap<>();
                        for (int i = 1; i <= meta.getColumnCount(); i++) {
                            row.put(meta.getColumnLabel(i).toLowerCase(Locale.ROOT), rows.getObject(i));
                        }
                        out.add(row);
                    }
                    return out;
                }
            }
        }
    }
}
