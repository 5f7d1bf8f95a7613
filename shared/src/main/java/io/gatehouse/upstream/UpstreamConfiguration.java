package io.gatehouse.upstream;

import io.micronaut.context.annotation.EachProperty;
import io.micronaut.context.annotation.Parameter;

import java.util.List;

/**
 * One upstream service under {@code gateway.upstreams.<name>}.
 */
@EachProperty(UpstreamConfiguration.PREFIX)
public class UpstreamConfiguration {

    /** The prefix under which upstreams are named. */
    public static final String PREFIX = "gateway.upstreams";

    /** The default path probed by the health check. */
    public static final String DEFAULT_HEALTH_PATH = "/";

    private final String name;
    private List<String> targets = List.of();
    private String healthPath = DEFAULT_HEALTH_PATH;

    /**
     * @param name the upstream's name, the key under {@code gateway.upstreams}
     */
    public UpstreamConfiguration(@Parameter String name) {
        this.name = name;
    }

    /**
     * @return the upstream's name
     */
    public String getName() {
        return name;
    }

    /**
     * The base URLs of the upstream's instances, such as {@code http://10.0.0.5:8080}.
     *
     * @return the targets
     */
    public List<String> getTargets() {
        return targets;
    }

    /**
     * @param targets the base URLs of the upstream's instances
     */
    public void setTargets(List<String> targets) {
        this.targets = List.copyOf(targets);
    }

    /**
     * The path the health check requests on every target. Default {@value #DEFAULT_HEALTH_PATH}.
     *
     * @return the health path
     */
    public String getHealthPath() {
        return healthPath;
    }

    /**
     * @param healthPath the path the health check requests
     */
    public void setHealthPath(String healthPath) {
        this.healthPath = healthPath.startsWith("/") ? healthPath : "/" + healthPath;
    }
}
