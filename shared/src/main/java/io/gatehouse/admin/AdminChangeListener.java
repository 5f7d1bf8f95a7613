package io.gatehouse.admin;

import io.micronaut.context.annotation.Requires;
import io.micronaut.context.env.Environment;
import io.micronaut.context.event.StartupEvent;
import io.micronaut.runtime.event.annotation.EventListener;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Properties;

/**
 * Hears changes other instances make to a PostgreSQL admin store: {@code LISTEN gatehouse_admin}
 * on a connection of its own (outside the pool, which it would otherwise hold forever), waiting in
 * a virtual thread on {@link PGConnection#getNotifications(int)}, and {@link AdminSync#synchronize()}
 * on every notification, so every instance reloads well within two seconds of a change.
 *
 * <p>When the connection fails it reconnects with exponential backoff (from
 * {@value #INITIAL_BACKOFF_MILLIS} ms to {@value #MAX_BACKOFF_MILLIS} ms), and after every
 * (re)connection it synchronises once, catching up with changes made while it was not listening.
 * Every {@value #PROBE_MILLIS} ms without notifications it sends {@code SELECT 1}, so a connection
 * that died silently is noticed. Nothing runs for H2 (the embedded default is a single node) or
 * when {@code gateway.admin.listen} is {@code false} (Lambda).
 */
@Singleton
@Requires(beans = AdminSync.class)
@Requires(property = AdminConfiguration.PREFIX + ".listen", notEquals = "false")
final class AdminChangeListener {

    static final long INITIAL_BACKOFF_MILLIS = 100;
    static final long MAX_BACKOFF_MILLIS = 5000;
    static final int POLL_MILLIS = 250;
    static final long PROBE_MILLIS = 10_000;

    private static final Logger LOG = LoggerFactory.getLogger(AdminChangeListener.class);

    /** What the listener is doing, for the health report. */
    enum Status {
        /** Not started: the store is not PostgreSQL, or start-up has not finished. */
        OFF,
        /** Connected and listening. */
        LISTENING,
        /** Waiting to connect again after a failure. */
        RECONNECTING
    }

    private final AdminSync sync;
    private final String url;
    private final Properties properties = new Properties();
    private volatile Status status = Status.OFF;
    private volatile String lastError;
    private volatile boolean running;
    private volatile Thread thread;
    private volatile Connection connection;

    AdminChangeListener(AdminSync sync, Environment environment) {
        this.sync = sync;
        this.url = environment.getProperty("datasources.default.url", String.class).orElse("");
        environment.getProperty("datasources.default.username", String.class).ifPresent(u -> properties.setProperty("user", u));
        environment.getProperty("datasources.default.password", String.class).ifPresent(p -> properties.setProperty("password", p));
        properties.setProperty("ApplicationName", "gatehouse-admin-listener");
        properties.setProperty("tcpKeepAlive", "true");
    }

    @EventListener
    void onStartup(StartupEvent event) {
        if (!url.startsWith("jdbc:postgresql:")) {
            return;
        }
        running = true;
        thread = Thread.ofVirtual().name("gatehouse-admin-listener").start(this::run);
    }

    /**
     * @return what the listener is doing
     */
    Status status() {
        return status;
    }

    /**
     * @return why the last connection failed, or {@code null}
     */
    String lastError() {
        return lastError;
    }

    private void run() {
        long backoff = INITIAL_BACKOFF_MILLIS;
        while (running) {
            try (Connection c = DriverManager.getConnection(url, properties)) {
                connection = c;
                PGConnection pg = c.unwrap(PGConnection.class);
                try (Statement statement = c.createStatement()) {
                    statement.execute("LISTEN " + AdminStore.CHANNEL);
                }
                if (status != Status.LISTENING) {
                    LOG.info("Listening for admin changes on {}", url);
                }
                status = Status.LISTENING;
                lastError = null;
                backoff = INITIAL_BACKOFF_MILLIS;
                sync.synchronize();
                listen(c, pg);
            } catch (SQLException | RuntimeException e) {
                if (!running) {
                    break;
                }
                lastError = AdminDefinitions.describe(e);
                if (status != Status.RECONNECTING) {
                    LOG.warn("Admin change listener lost its connection ({}); reconnecting", lastError);
                }
                status = Status.RECONNECTING;
                try {
                    Thread.sleep(Duration.ofMillis(backoff));
                } catch (InterruptedException interrupted) {
                    break;
                }
                backoff = Math.min(backoff * 2, MAX_BACKOFF_MILLIS);
            } finally {
                connection = null;
            }
        }
        status = Status.OFF;
    }

    private void listen(Connection c, PGConnection pg) throws SQLException {
        long quietSince = System.nanoTime();
        while (running) {
            PGNotification[] notifications = pg.getNotifications(POLL_MILLIS);
            if (notifications != null && notifications.length > 0) {
                sync.synchronize();
                quietSince = System.nanoTime();
            } else if (System.nanoTime() - quietSince > Duration.ofMillis(PROBE_MILLIS).toNanos()) {
                try (Statement statement = c.createStatement()) {
                    statement.execute("SELECT 1");
                }
                quietSince = System.nanoTime();
            }
        }
    }

    @PreDestroy
    void close() {
        running = false;
        Thread t = thread;
        if (t != null) {
            t.interrupt();
        }
        Connection c = connection;
        if (c != null) {
            try {
                c.close();
            } catch (SQLException ignored) {
                // closing on shutdown; nothing to do
            }
        }
        if (t != null) {
            try {
                t.join(Duration.ofSeconds(2));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
