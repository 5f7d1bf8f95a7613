package io.gatehouse.container.proxy;

import io.micronaut.http.uri.UriMatchTemplate;
import io.micronaut.web.router.Router;
import io.micronaut.web.router.UriRouteInfo;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The paths Micronaut serves itself (the gateway's own endpoints: health, metrics, OpenAPI, admin
 * and token APIs), precomputed from the {@link Router} once: literal paths in a hash set, templated
 * ones behind a check of their literal prefix. Such paths never reach the proxy, whatever routes
 * the table holds, so that a catch-all route cannot hide the gateway's own API.
 */
final class MicronautRoutes {

    private final Set<String> exact = new HashSet<>();
    private final List<Templated> templated = new ArrayList<>();

    private record Templated(String prefix, UriMatchTemplate template) {
    }

    MicronautRoutes(Router router) {
        Map<String, UriMatchTemplate> unique = new LinkedHashMap<>();
        router.uriRoutes().map(UriRouteInfo::getUriMatchTemplate)
            .forEach(t -> unique.putIfAbsent(t.toString(), t));
        for (UriMatchTemplate template : unique.values()) {
            String text = template.toString();
            int brace = text.indexOf('{');
            if (brace < 0) {
                exact.add(trimSlash(text));
            } else {
                templated.add(new Templated(text.substring(0, brace), template));
            }
        }
    }

    /**
     * @param path the request path, without query
     * @return whether a Micronaut route exists for it, whatever its method
     */
    boolean owns(String path) {
        if (exact.contains(trimSlash(path))) {
            return true;
        }
        for (Templated t : templated) {
            if (path.startsWith(t.prefix) && t.template.tryMatch(path) != null) {
                return true;
            }
        }
        return false;
    }

    /**
     * @return the owned paths, for the start-up log
     */
    List<String> describe() {
        List<String> out = new ArrayList<>(exact);
        templated.forEach(t -> out.add(t.template.toString()));
        out.sort(null);
        return out;
    }

    private static String trimSlash(String path) {
        int length = path.length();
        return length > 1 && path.charAt(length - 1) == '/' ? path.substring(0, length - 1) : path;
    }
}
