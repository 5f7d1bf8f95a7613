package io.gatehouse.container;

import io.gatehouse.container.server.Drain;
import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Starts the gateway on Netty, with the {@value #ENVIRONMENT} environment active so that
 * {@code application-container.yml} applies on top of the shared defaults, and stops it gracefully.
 *
 * <p>It starts the application context and the server itself rather than through
 * {@code Micronaut.run}, whose shutdown hook stops the server at once, dropping the requests in
 * flight. Here the JVM's shutdown hook (SIGTERM, SIGINT) first runs the {@link Drain}: readiness
 * down, listeners closed, requests in flight answered within {@code gateway.shutdown.grace-period};
 * then it stops the server and the context (which flushes what is queued, the audit log included).
 */
public final class GatehouseContainer {

    /** The Micronaut environment of the container runtime. */
    public static final String ENVIRONMENT = "container";

    private static final Logger LOG = LoggerFactory.getLogger(GatehouseContainer.class);

    private GatehouseContainer() {
    }

    /**
     * @param args command-line arguments, passed to Micronaut
     */
    public static void main(String[] args) {
        long start = System.nanoTime();
        ApplicationContext context = ApplicationContext.builder()
            .mainClass(GatehouseContainer.class)
            .environments(ENVIRONMENT)
            .banner(false)
            .args(args)
            .build();
        EmbeddedServer server;
        try {
            context.start();
            server = context.getBean(EmbeddedServer.class);
            server.start();
        } catch (Throwable e) {
            LOG.error("Gatehouse did not start: {}", e.getMessage(), e);
            try {
                context.close();
            } catch (Throwable suppressed) {
                e.addSuppressed(suppressed);
            }
            System.exit(1);
            return;
        }
        LOG.info("Startup completed in {}ms. Server Running: {}", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start),
            server.getURL());
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> stop(context, server, stopped), "gatehouse-shutdown"));
        // Netty's event loops may be daemon threads: this one keeps the JVM up until the hook has run.
        Thread keepAlive = new Thread(() -> {
            try {
                stopped.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "gatehouse-keep-alive");
        keepAlive.setDaemon(false);
        keepAlive.start();
    }

    private static void stop(ApplicationContext context, EmbeddedServer server, CountDownLatch stopped) {
        try {
            LOG.info("Gatehouse shutting down");
            context.findBean(Drain.class).ifPresent(Drain::run);
            if (server.isRunning()) {
                server.stop();
            }
            if (context.isRunning()) {
                context.close();
            }
            LOG.info("Gatehouse stopped");
        } catch (Throwable e) {
            LOG.error("Error while stopping: {}", e.getMessage(), e);
        } finally {
            stopped.countDown();
        }
    }
}
