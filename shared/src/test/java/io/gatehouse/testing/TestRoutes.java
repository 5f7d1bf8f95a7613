package io.gatehouse.testing;

import java.util.Map;

/**
 * Writes routes as {@code gateway.routes[i].*} properties, the way a test configures a gateway
 * without a definition file.
 */
public final class TestRoutes {

    private TestRoutes() {
    }

    /**
     * @param properties the gateway's properties, added to
     * @param index      the route's index
     * @param id         its id
     * @param path       its {@code match.path}
     * @param upstream   its upstream
     * @param extra      further keys relative to the route ({@code auth}, {@code authorization.roles}, ...)
     */
    public static void put(Map<String, Object> properties, int index, String id, String path, String upstream, Map<String, Object> extra) {
        String prefix = "gateway.routes[" + index + "].";
        properties.put(prefix + "id", id);
        properties.put(prefix + "match.path", path);
        properties.put(prefix + "upstream", upstream);
        extra.forEach((key, value) -> properties.put(prefix + key, value));
    }
}
