package io.gatehouse.contract;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Routes a suite declares through {@code gateway.routes[i].*} properties, in order.
 */
final class ContractRoutes {

    private final List<Map<String, Object>> routes = new ArrayList<>();

    /**
     * @param id       the route id
     * @param path     its path pattern
     * @param upstream its upstream
     * @param extra    more keys of the route, such as {@code auth} or {@code retries.attempts}
     * @return this
     */
    ContractRoutes route(String id, String path, String upstream, Map<String, Object> extra) {
        Map<String, Object> route = new LinkedHashMap<>();
        route.put("id", id);
        route.put("match.path", path);
        route.put("upstream", upstream);
        route.putAll(extra);
        routes.add(route);
        return this;
    }

    /**
     * @param properties the suite's properties, given every route's keys
     */
    void into(Map<String, Object> properties) {
        for (int i = 0; i < routes.size(); i++) {
            for (Map.Entry<String, Object> entry : routes.get(i).entrySet()) {
                properties.put("gateway.routes[" + i + "]." + entry.getKey(), entry.getValue());
            }
        }
    }
}
