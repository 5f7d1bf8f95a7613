package io.gatehouse.proxy;

import io.gatehouse.observability.RequestIds;
import io.gatehouse.route.RouteDefinition;
import io.gatehouse.route.RequestPath;
import io.gatehouse.route.RouteMatch;
import io.gatehouse.policy.PolicyExchange;
import io.gatehouse.security.UpstreamIdentity;
import io.gatehouse.upstream.TargetState;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpMethod;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.MutableHttpRequest;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The request to send upstream, computed once per client request and completed per target: the
 * rewritten normalised path ({@link RequestPath}) with the raw query, the client's headers without hop-by-hop ones, and the
 * forwarding headers ({@link ForwardingHeaders}). Only the URI and {@code Host} depend on the
 * target, so a retry to another target reuses everything else.
 */
final class ForwardedRequest {

    /** Headers this class computes itself rather than copying from the client. */
    private static final Set<String> COMPUTED = Set.of("host", "content-length", "x-forwarded-for", "x-forwarded-proto",
        "x-forwarded-host", "x-forwarded-prefix", "forwarded", "x-request-id", "x-real-ip");

    private final String method;
    private final String path;
    private final String query;
    private final String hostPolicy;
    private final String clientHost;
    private final List<Map.Entry<String, String>> headers;

    private ForwardedRequest(String method, String path, String query, String hostPolicy, String clientHost,
                             List<Map.Entry<String, String>> headers) {
        this.method = method;
        this.path = path;
        this.query = query;
        this.hostPolicy = hostPolicy;
        this.clientHost = clientHost;
        this.headers = List.copyOf(headers);
    }

    /**
     * @param request    the client's request
     * @param match      the route it matched
     * @param client     the client's address and scheme
     * @param trusted    whether the client's {@code X-Forwarded-Proto/-Host/-Prefix} are kept
     * @param bodyLength the buffered body's length
     * @return the request to forward
     */
    static ForwardedRequest of(HttpRequest<?> request, RouteMatch match, ClientConnection client, boolean trusted,
                               int bodyLength) {
        RouteDefinition route = match.route().definition();
        HttpHeaders in = request.getHeaders();
        String requestPath = RequestPath.of(request);
        String upstreamPath = match.upstreamPath(requestPath);
        Set<String> connectionTokens = ForwardingHeaders.connectionTokens(in.getAll(HttpHeaders.CONNECTION));

        // The policy chain's header changes (forged claim headers out, forwarded claims in, transforms),
        // applied here because a Lambda request keeps its headers whatever the filter did to them.
        UpstreamIdentity identity = request.getAttribute(UpstreamIdentity.ATTRIBUTE, UpstreamIdentity.class).orElse(UpstreamIdentity.NONE);
        List<Map.Entry<String, String>> out = new ArrayList<>();
        for (String name : in.names()) {
            String lower = name.toLowerCase(Locale.ROOT);
            if (ForwardingHeaders.isHopByHop(lower, connectionTokens) || COMPUTED.contains(lower) || identity.remove().contains(lower)) {
                continue;
            }
            for (String value : in.getAll(name)) {
                out.add(Map.entry(name, value));
            }
        }
        // Every header set is among those removed above, so the client's value never comes along.
        identity.set().forEach((name, value) -> out.add(Map.entry(name, value)));
        // Values added beside the client's (transforms): PolicyFilter leaves them to this class alone.
        out.addAll(identity.add());
        String clientAddress = client.address(request);
        String scheme = client.scheme(request);
        String clientHost = in.get(HttpHeaders.HOST);

        String forwardedFor = joined(in.getAll(ForwardingHeaders.X_FORWARDED_FOR));
        out.add(Map.entry(ForwardingHeaders.X_FORWARDED_FOR, trusted
            ? appendClient(forwardedFor, clientAddress) : clientAddress));
        String realIp = trusted ? in.get(ForwardingHeaders.X_REAL_IP) : null;
        out.add(Map.entry(ForwardingHeaders.X_REAL_IP, realIp == null ? clientAddress : realIp));
        String proto = trusted ? in.get(ForwardingHeaders.X_FORWARDED_PROTO) : null;
        out.add(Map.entry(ForwardingHeaders.X_FORWARDED_PROTO, proto == null ? scheme : proto));
        String forwardedHost = trusted ? in.get(ForwardingHeaders.X_FORWARDED_HOST) : null;
        if (forwardedHost == null) {
            forwardedHost = clientHost;
        }
        if (forwardedHost != null && !forwardedHost.isEmpty()) {
            out.add(Map.entry(ForwardingHeaders.X_FORWARDED_HOST, forwardedHost));
        }
        String prefix = strippedPrefix(route.rewrite(), requestPath, upstreamPath);
        String callerPrefix = trusted ? in.get(ForwardingHeaders.X_FORWARDED_PREFIX) : null;
        String fullPrefix = ForwardingHeaders.appendForwardedPrefix(callerPrefix, prefix);
        if (fullPrefix != null && !fullPrefix.isEmpty()) {
            out.add(Map.entry(ForwardingHeaders.X_FORWARDED_PREFIX, fullPrefix));
        }
        String forwarded = joined(in.getAll(ForwardingHeaders.FORWARDED));
        out.add(Map.entry(ForwardingHeaders.FORWARDED, ForwardingHeaders.forwarded(forwarded,
            ForwardingHeaders.forwardedElement(clientAddress, scheme, clientHost), trusted)));
        out.add(Map.entry(RequestIds.HEADER, RequestIds.of(request)));
        if (bodyLength > 0 || in.contains(HttpHeaders.CONTENT_LENGTH)) {
            out.add(Map.entry(HttpHeaders.CONTENT_LENGTH, String.valueOf(bodyLength)));
        }
        // A policy (a transform) may send another path or query upstream.
        String query = request.getUri().getRawQuery();
        if (request.getAttribute(PolicyExchange.ATTRIBUTE).orElse(null) instanceof PolicyExchange exchange) {
            upstreamPath = exchange.upstreamPath(upstreamPath);
            query = exchange.upstreamQuery(query);
        }
        return new ForwardedRequest(request.getMethodName(), upstreamPath, query,
            route.hostHeader(), clientHost, out);
    }

    /**
     * @param target the chosen target
     * @return the request for it, with an absolute URI and the {@code Host} of the route's policy
     */
    MutableHttpRequest<?> toRequest(TargetState target) {
        String scheme = target.secure() ? "https" : "http";
        String host = target.host().contains(":") && !target.host().startsWith("[") ? "[" + target.host() + "]" : target.host();
        String uri = scheme + "://" + host + ":" + target.port() + ForwardingHeaders.upstreamUri(target, path, query);
        MutableHttpRequest<?> request = HttpRequest.create(HttpMethod.parse(method), uri, method);
        for (Map.Entry<String, String> header : headers) {
            request.getHeaders().add(header.getKey(), header.getValue());
        }
        request.getHeaders().set(HttpHeaders.HOST, ForwardingHeaders.upstreamHost(hostPolicy, clientHost, target));
        return request;
    }

    /**
     * @return the path sent upstream, before the target's base path
     */
    String path() {
        return path;
    }

    /**
     * API Gateway, and any proxy in front of ours, already appends the client it saw; appending the
     * same address again would only repeat it.
     */
    private static String appendClient(String existing, String clientAddress) {
        if (existing != null) {
            int comma = existing.lastIndexOf(',');
            String last = (comma < 0 ? existing : existing.substring(comma + 1)).trim();
            if (last.equals(clientAddress)) {
                return existing;
            }
        }
        return ForwardingHeaders.forwardedFor(existing, clientAddress, true);
    }

    /** What strip-prefix or strip-segments removed from the front of the path, or {@code null}. */
    private static String strippedPrefix(RouteDefinition.Rewrite rewrite, String requestPath, String upstreamPath) {
        if (rewrite.template() != null || rewrite.regex() != null || !(rewrite.stripPrefix() || rewrite.stripSegments() > 0)) {
            return null;
        }
        String suffix = "/".equals(upstreamPath) && !requestPath.endsWith("/") ? "" : upstreamPath;
        if (!requestPath.endsWith(suffix)) {
            return null;
        }
        String prefix = trimSlash(requestPath.substring(0, requestPath.length() - suffix.length()));
        return prefix.isEmpty() ? null : prefix;
    }

    private static String trimSlash(String value) {
        return value.endsWith("/") ? value.substring(0, value.length() - 1) : value;
    }

    private static String joined(List<String> values) {
        return values.isEmpty() ? null : String.join(", ", values);
    }
}
