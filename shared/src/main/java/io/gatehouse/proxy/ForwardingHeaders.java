package io.gatehouse.proxy;

import io.gatehouse.upstream.TargetState;

import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The header rules of a forwarding proxy, for any header API.
 *
 * <ul>
 *   <li>Hop-by-hop headers ({@code Connection}, {@code Keep-Alive}, {@code Proxy-Authenticate},
 *       {@code Proxy-Authorization}, {@code Proxy-Connection}, {@code TE}, {@code Trailer},
 *       {@code Transfer-Encoding}, {@code Upgrade}) and every header the {@code Connection} header
 *       names are removed in both directions (RFC 9110 §7.6.1); a WebSocket upgrade re-adds its own.</li>
 *   <li>{@code X-Forwarded-For} and {@code Forwarded} describe this hop: the client address (and an
 *       RFC 7239 element) appended to the caller's value when forwarded headers are trusted, and
 *       replacing it otherwise, so an untrusted client cannot plant an address an upstream might
 *       believe; {@code X-Forwarded-Proto}, {@code -Host} and {@code -Prefix} describe the client's
 *       request (kept from the caller only when forwarded headers are trusted); so does
 *       {@code X-Real-IP}, the client address.</li>
 *   <li>{@code Host} is the target's authority by default, the client's with {@code host-header: preserve},
 *       or a literal.</li>
 * </ul>
 */
public final class ForwardingHeaders {

    /** Headers that only concern one connection. */
    public static final Set<String> HOP_BY_HOP = Set.of("connection", "keep-alive", "proxy-authenticate",
        "proxy-authorization", "proxy-connection", "te", "trailer", "transfer-encoding", "upgrade");

    /** {@code X-Forwarded-For}. */
    public static final String X_FORWARDED_FOR = "X-Forwarded-For";
    /** {@code X-Real-IP}: the client address, as nginx setups and Kong send it. */
    public static final String X_REAL_IP = "X-Real-IP";
    /** {@code X-Forwarded-Proto}. */
    public static final String X_FORWARDED_PROTO = "X-Forwarded-Proto";
    /** {@code X-Forwarded-Host}. */
    public static final String X_FORWARDED_HOST = "X-Forwarded-Host";
    /** {@code X-Forwarded-Prefix}. */
    public static final String X_FORWARDED_PREFIX = "X-Forwarded-Prefix";
    /** {@code Forwarded}. */
    public static final String FORWARDED = "Forwarded";
    /** W3C trace context. */
    public static final String TRACEPARENT = "traceparent";

    private static final Set<String> IDEMPOTENT = Set.of("GET", "HEAD", "OPTIONS", "PUT", "DELETE", "TRACE");

    private ForwardingHeaders() {
    }

    /**
     * @param connectionValues the values of the {@code Connection} header
     * @return the lower-case header names it lists (besides {@code close}, {@code keep-alive}, {@code upgrade})
     */
    public static Set<String> connectionTokens(List<String> connectionValues) {
        Set<String> tokens = new HashSet<>();
        for (String value : connectionValues) {
            for (String token : value.split(",")) {
                String t = token.trim().toLowerCase(Locale.ROOT);
                if (!t.isEmpty()) {
                    tokens.add(t);
                }
            }
        }
        return tokens;
    }

    /**
     * @param name             a header name, any case
     * @param connectionTokens the names listed in {@code Connection}
     * @return whether the header must not be forwarded
     */
    public static boolean isHopByHop(String name, Set<String> connectionTokens) {
        String lower = name.toLowerCase(Locale.ROOT);
        return HOP_BY_HOP.contains(lower) || connectionTokens.contains(lower);
    }

    /**
     * @param existing the incoming {@code X-Forwarded-For}, or {@code null}
     * @param clientIp the address of the client connected to the gateway
     * @param trusted  whether the caller's forwarded headers are trusted
     * @return the value to send: the caller's chain with the client appended when trusted, the
     *         client alone otherwise
     */
    public static String forwardedFor(String existing, String clientIp, boolean trusted) {
        return !trusted || existing == null || existing.isBlank() ? clientIp : existing + ", " + clientIp;
    }

    /**
     * One RFC 7239 element describing this hop.
     *
     * @param clientIp the client address
     * @param proto    {@code http} or {@code https}
     * @param host     the Host the client addressed, or {@code null}
     * @return such as {@code for=192.0.2.60;proto=https;host=api.example.com}
     */
    public static String forwardedElement(String clientIp, String proto, String host) {
        StringBuilder out = new StringBuilder("for=");
        if (clientIp.contains(":")) {
            out.append("\"[").append(clientIp).append("]\"");
        } else {
            out.append(clientIp);
        }
        out.append(";proto=").append(proto);
        if (host != null && !host.isEmpty()) {
            out.append(";host=").append(quoteIfNeeded(host));
        }
        return out.toString();
    }

    /**
     * @param existing the incoming {@code Forwarded}, or {@code null}
     * @param element  this hop's element
     * @param trusted  whether the caller's forwarded headers are trusted
     * @return the value to send: the caller's elements with this hop's appended when trusted, this
     *         hop's alone otherwise
     */
    public static String forwarded(String existing, String element, boolean trusted) {
        return !trusted || existing == null || existing.isBlank() ? element : existing + ", " + element;
    }

    /**
     * @param trustedCaller the {@code X-Forwarded-Prefix} a trusted caller sent, or {@code null}
     * @param stripped      what this gateway stripped from the path, or {@code null}
     * @return the {@code X-Forwarded-Prefix} to send: the caller's followed by this gateway's, so the
     *     upstream can rebuild the path the client used; {@code null} when there is none
     */
    public static String appendForwardedPrefix(String trustedCaller, String stripped) {
        if (trustedCaller == null || trustedCaller.isEmpty()) {
            return stripped;
        }
        if (stripped == null) {
            return trustedCaller;
        }
        return (trustedCaller.endsWith("/") ? trustedCaller.substring(0, trustedCaller.length() - 1) : trustedCaller) + stripped;
    }

    /**
     * @param policy     the route's {@code host-header}: {@code preserve}, {@code upstream} or a literal
     * @param clientHost the Host the client sent, or {@code null}
     * @param target     the chosen target
     * @return the Host header for the upstream
     */
    public static String upstreamHost(String policy, String clientHost, TargetState target) {
        if ("preserve".equalsIgnoreCase(policy) && clientHost != null && !clientHost.isEmpty()) {
            return clientHost;
        }
        if (policy == null || "upstream".equalsIgnoreCase(policy) || "preserve".equalsIgnoreCase(policy)) {
            return target.authority();
        }
        return policy;
    }

    /**
     * @param method an HTTP method
     * @return whether a request with it may be sent again (RFC 9110 §9.2.2)
     */
    public static boolean isIdempotent(String method) {
        return IDEMPOTENT.contains(method);
    }

    /**
     * @param target the chosen target
     * @param path   the rewritten path, starting with {@code /}
     * @param query  the raw query, or {@code null}
     * @return the request target to send: the target's base path, the path and the query
     */
    public static String upstreamUri(TargetState target, String path, String query) {
        String full = target.basePath().isEmpty() ? path : target.basePath() + path;
        return query == null || query.isEmpty() ? full : full + "?" + query;
    }

    private static String quoteIfNeeded(String value) {
        for (char c : value.toCharArray()) {
            if (!(Character.isLetterOrDigit(c) || "!#$%&'*+-.^_`|~".indexOf(c) >= 0)) {
                return "\"" + value.replace("\"", "\\\"") + "\"";
            }
        }
        return value;
    }
}
