package io.gatehouse.api;

import io.gatehouse.route.PathPattern;
import io.micronaut.context.BeanProvider;
import io.micronaut.core.annotation.Internal;
import io.micronaut.http.uri.UriMatchTemplate;
import io.micronaut.web.router.Router;
import io.micronaut.web.router.UriRouteInfo;
import jakarta.inject.Singleton;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The paths the gateway owns: every path a Micronaut route serves (health, metrics, OpenAPI, the
 * admin, token, login and audit APIs), whatever its method and media types. A request for an owned
 * path is answered by the gateway itself, never matched against the route table and never proxied:
 * with the wrong method it gets 405 (with {@code Allow}), with a body type the endpoint does not
 * consume 415, with an {@code Accept} it cannot produce 406. Both engines ask this one place: the
 * container's streaming engine before it takes a request, the buffered engine ({@code ProxyFilter})
 * before it matches a route.
 *
 * <p>Built from Micronaut's {@link Router} on first use (the router is complete once the first
 * request arrives): literal paths in a hash set, templated ones behind a check of their literal
 * prefix. An endpoint switched off by configuration has no route, so it is not owned and a user's
 * route may take its path.
 */
@Singleton
@Internal
public final class OwnedPaths {

    /** The value a template's variables are filled with to test whether a route's pattern reaches it. */
    static final String SAMPLE = "sample";

    private static final Pattern VARIABLE = Pattern.compile("\\{[^}]*}");

    private final BeanProvider<Router> router;
    private volatile Index index;

    private record Templated(String prefix, UriMatchTemplate template) {
    }

    private record Index(Set<String> exact, List<Templated> templated, List<String> templates) {
    }

    OwnedPaths(BeanProvider<Router> router) {
        this.router = router;
    }

    /**
     * @param path the request path, without query, as the route table sees it
     * @return whether a gateway endpoint exists for it, whatever its method
     */
    public boolean owns(String path) {
        Index owned = index();
        if (owned.exact.contains(trimSlash(path))) {
            return true;
        }
        for (Templated t : owned.templated) {
            if (path.startsWith(t.prefix) && t.template.tryMatch(path) != null) {
                return true;
            }
        }
        return false;
    }

    /**
     * @return every owned path template ({@code /v1/health}, {@code /admin/routes/{id}}), sorted
     */
    public List<String> templates() {
        return index().templates;
    }

    /**
     * The owned paths a route with this path pattern cannot reach: those the pattern matches once
     * their variables are filled with a sample value, and those whose template matches the
     * pattern's own sample (so {@code /admin/routes/special} is reported against
     * {@code /admin/routes/{id}}). Methods and hosts are not considered: an owned path is the
     * gateway's for every method and host.
     *
     * @param pattern a route's path pattern
     * @return the owned templates it loses, sorted; empty when it loses none
     */
    public List<String> shadowedBy(PathPattern pattern) {
        List<String> lost = new ArrayList<>();
        String routeSample = sample(pattern.toString());
        for (String template : templates()) {
            if (pattern.match(sample(template)) != null
                || UriMatchTemplate.of(template).tryMatch(routeSample) != null) {
                lost.add(template);
            }
        }
        return lost;
    }

    private static String sample(String template) {
        String filled = VARIABLE.matcher(template).replaceAll(Matcher.quoteReplacement(SAMPLE));
        filled = filled.replace("/**", "").replace("*", SAMPLE);
        return filled.isEmpty() ? "/" : filled;
    }

    private Index index() {
        Index owned = index;
        if (owned == null) {
            synchronized (this) {
                owned = index;
                if (owned == null) {
                    owned = build(router.get());
                    index = owned;
                }
            }
        }
        return owned;
    }

    private static Index build(Router router) {
        Map<String, UriMatchTemplate> unique = new LinkedHashMap<>();
        router.uriRoutes().map(UriRouteInfo::getUriMatchTemplate)
            .forEach(t -> unique.putIfAbsent(trimSlash(t.toString()), t));
        Set<String> exact = new HashSet<>();
        List<Templated> templated = new ArrayList<>();
        for (Map.Entry<String, UriMatchTemplate> entry : unique.entrySet()) {
            String text = entry.getKey();
            int brace = text.indexOf('{');
            if (brace < 0) {
                exact.add(text);
            } else {
                templated.add(new Templated(text.substring(0, brace), entry.getValue()));
            }
        }
        List<String> templates = new ArrayList<>(unique.keySet());
        templates.sort(null);
        return new Index(Set.copyOf(exact), List.copyOf(templated), List.copyOf(templates));
    }

    private static String trimSlash(String path) {
        int length = path.length();
        return length > 1 && path.charAt(length - 1) == '/' ? path.substring(0, length - 1) : path;
    }
}
