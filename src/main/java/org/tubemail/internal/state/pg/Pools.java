package org.tubemail.internal.state.pg;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

import java.time.Duration;

/** The connection pools Tubemail opens on PostgreSQL (state storage, shared spool), configured alike. */
public final class Pools {

    private Pools() {
    }

    /**
     * Opens a pool named {@code name} whose connections tell PostgreSQL they are {@code application}
     * ({@code pg_stat_activity.application_name}), with TCP keep-alive and at least two idle connections.
     *
     * @throws RuntimeException (Hikari's) when the database cannot be reached
     */
    public static HikariDataSource open(String name, String application, String jdbcUrl, String user, String password, int size, Duration connectionTimeout) {
        HikariConfig config = new HikariConfig();
        config.setPoolName(name);
        config.setJdbcUrl(jdbcUrl);
        config.setUsername(user);
        config.setPassword(password);
        config.setMaximumPoolSize(size);
        config.setMinimumIdle(Math.min(2, size));
        config.setConnectionTimeout(connectionTimeout.toMillis());
        config.addDataSourceProperty("tcpKeepAlive", "true");
        config.addDataSourceProperty("ApplicationName", application);
        return new HikariDataSource(config);
    }

    /** {@code jdbcUrl} with any password in it masked, for messages. */
    public static String redact(String jdbcUrl) {
        return org.tubemail.internal.io.UrlSecrets.mask(jdbcUrl, "***");
    }
}
