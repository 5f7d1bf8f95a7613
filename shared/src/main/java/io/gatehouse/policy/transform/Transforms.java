package io.gatehouse.policy.transform;

import io.gatehouse.config.ConfigNode;
import io.gatehouse.config.DefinitionProblem;
import io.gatehouse.observability.RequestIds;
import io.gatehouse.proxy.ForwardingHeaders;
import io.gatehouse.route.RouteDefinition;
import io.micronaut.core.annotation.Nullable;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A route's {@code transforms}:
 * <pre>
 * transforms:
 *   request:
 *     headers: { remove: [X-Debug], rename: { X-Old: X-New }, set: { X-User: "{claim.sub}" }, add: { X-Tag: [a, b] } }
 *     query:   { remove: [debug], rename: { q: query }, set: { version: "2" }, add: { tag: "{path.id}" } }
 *   response:
 *     headers: { remove: [Server], rename: { X-Internal-Id: X-Id }, set: { Cache-Control: no-store }, add: { ... } }
 * </pre>
 * Values are {@link Template}s. The path the upstream receives is the route's {@code rewrite}
 * (a template over the path variables already), so there is no path transform.
 *
 * <p>Headers the gateway owns cannot be edited: the hop-by-hop headers, {@code Host} and
 * {@code Content-Length} on requests (the framing and the target are the engine's), the forwarding
 * headers ({@code X-Forwarded-*}, {@code Forwarded}, {@code X-Real-IP}) and {@code X-Request-ID},
 * which describe the client and the request as the gateway saw them, and the headers the route's
 * {@code claims.forward} fills from the verified credential; on responses the hop-by-hop headers,
 * {@code Content-Length} and {@code X-Request-ID}. A transform naming one is refused at load, so a
 * template or a rename of a client's header can never forge them.
 *
 * @param requestHeaders  edits of the request headers the upstream receives
 * @param query           edits of the query the upstream receives
 * @param responseHeaders edits of the response headers the client receives
 */
record Transforms(Edits requestHeaders, Edits query, Edits responseHeaders) {

    /** No transform. */
    static final Transforms NONE = new Transforms(Edits.NONE, Edits.NONE, Edits.NONE);

    /** The route key. */
    static final String KEY = "transforms";

    private static final Pattern HEADER_NAME = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");

    /** Request headers the engine computes, or that describe the client as the gateway saw it. */
    private static final Set<String> GATEWAY_REQUEST_HEADERS = Set.of("host", "content-length",
        lower(ForwardingHeaders.X_FORWARDED_FOR), lower(ForwardingHeaders.X_FORWARDED_PROTO), lower(ForwardingHeaders.X_FORWARDED_HOST),
        lower(ForwardingHeaders.X_FORWARDED_PREFIX), lower(ForwardingHeaders.FORWARDED), lower(ForwardingHeaders.X_REAL_IP),
        lower(RequestIds.HEADER));

    /** Response headers the engine computes. */
    private static final Set<String> GATEWAY_RESPONSE_HEADERS = Set.of("content-length", lower(RequestIds.HEADER));

    /**
     * @return whether the route edits its requests
     */
    boolean editsRequests() {
        return !requestHeaders.isEmpty() || !query.isEmpty();
    }

    /**
     * Reads the transforms of a route that has already been validated.
     *
     * @param route the route
     * @return its transforms, {@link #NONE} when it has none
     */
    static Transforms of(RouteDefinition route) {
        if (!route.policies().containsKey(KEY)) {
            return NONE;
        }
        List<DefinitionProblem> ignored = new ArrayList<>();
        return parse(ConfigNode.root("route " + route.id(), route.policies(), ignored), route.match());
    }

    /**
     * Reads and validates a route's {@code transforms}, recording every problem with its field path.
     *
     * @param route the route's node (or a map holding its policy keys)
     * @param match the route's matchers, or {@code null} when they are invalid themselves
     * @return the transforms read, unusable parts left out
     */
    static Transforms parse(ConfigNode route, RouteDefinition.@Nullable Match match) {
        ConfigNode node = route.get(KEY);
        if (node.isMissing()) {
            return NONE;
        }
        if (!(node.raw() instanceof Map<?, ?>)) {
            node.problem("must be a map with request and response");
            return NONE;
        }
        node.allowOnly("request", "response");
        Set<String> forwarded = forwardedClaimHeaders(route);
        ConfigNode request = node.get("request");
        Edits requestHeaders = Edits.NONE;
        Edits query = Edits.NONE;
        if (!request.isMissing()) {
            if (!(request.raw() instanceof Map<?, ?> map)) {
                request.problem("must be a map with headers and query");
            } else {
                if (map.containsKey("path")) {
                    request.get("path").problem("is not a transform: the path the upstream receives is the route's rewrite key "
                        + "(a template over the path variables, such as /v2/orders/{id}; see docs/routes.md#rewrites)");
                }
                request.allowOnly("headers", "query", "path");
                requestHeaders = Edits.parse(request.get("headers"), match, name -> requestHeader(name, forwarded));
                query = Edits.parse(request.get("query"), match, Transforms::queryName);
            }
        }
        ConfigNode response = node.get("response");
        Edits responseHeaders = Edits.NONE;
        if (!response.isMissing()) {
            if (!(response.raw() instanceof Map<?, ?>)) {
                response.problem("must be a map with headers");
            } else {
                response.allowOnly("headers");
                responseHeaders = Edits.parse(response.get("headers"), match, Transforms::responseHeader);
            }
        }
        if (request.isMissing() && response.isMissing()) {
            node.problem("names nothing to transform: give request or response");
        }
        return new Transforms(requestHeaders, query, responseHeaders);
    }

    /** The headers {@code claims.forward} fills: the gateway removes the client's and sets the claim's. */
    private static Set<String> forwardedClaimHeaders(ConfigNode route) {
        Set<String> out = new HashSet<>();
        Object forward = route.get("claims").get("forward").raw();
        if (forward instanceof Map<?, ?> map) {
            map.values().forEach(header -> out.add(lower(String.valueOf(header))));
        }
        return out;
    }

    private static String requestHeader(String name, Set<String> forwarded) {
        String why = header(name, GATEWAY_REQUEST_HEADERS, "it computes that header for the upstream, and a transform cannot forge it");
        if (why == null && forwarded.contains(lower(name))) {
            return "carries a verified claim (claims.forward): a transform cannot forge it";
        }
        return why;
    }

    private static String responseHeader(String name) {
        return header(name, GATEWAY_RESPONSE_HEADERS, "it computes that header for the client, and a transform cannot change it");
    }

    /** Why a header cannot be edited, or {@code null} when it can. */
    private static String header(String name, Set<String> gatewayOwned, String why) {
        if (!HEADER_NAME.matcher(name).matches()) {
            return "is not a valid header name";
        }
        String lower = lower(name);
        if (ForwardingHeaders.HOP_BY_HOP.contains(lower)) {
            return "is a hop-by-hop header: it concerns one connection and the gateway never forwards it";
        }
        return gatewayOwned.contains(lower) ? "is the gateway's own: " + why : null;
    }

    private static String queryName(String name) {
        return name.isEmpty() ? "is not a parameter name" : null;
    }

    private static String lower(String name) {
        return name.toLowerCase(Locale.ROOT);
    }
}
