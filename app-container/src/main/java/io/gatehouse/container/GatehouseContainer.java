package io.gatehouse.container;

import io.micronaut.runtime.Micronaut;

/**
 * Starts the gateway on Netty, with the {@value #ENVIRONMENT} environment active so that
 * {@code application-container.yml} applies on top of the shared defaults.
 */
public final class GatehouseContainer {

    /** The Micronaut environment of the container runtime. */
    public static final String ENVIRONMENT = "container";

    private GatehouseContainer() {
    }

    /**
     * @param args command-line arguments, passed to Micronaut
     */
    public static void main(String[] args) {
        Micronaut.build(args)
            .mainClass(GatehouseContainer.class)
            .environments(ENVIRONMENT)
            .banner(false)
            .start();
    }
}
