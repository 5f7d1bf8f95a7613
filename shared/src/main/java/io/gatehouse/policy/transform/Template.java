package io.gatehouse.policy.transform;

import io.gatehouse.config.ConfigNode;
import io.gatehouse.policy.PolicyExchange;
import io.gatehouse.route.RouteDefinition;
import io.gatehouse.route.RouteMatch;
import io.gatehouse.security.ClaimPath;
import io.micronaut.core.annotation.Nullable;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A value a transform sends, compiled once at load: literal text and placeholders in braces, the
 * notation of the route's {@code rewrite} templates and {@code claims.match}, with the source of
 * each value named:
 * <ul>
 *   <li>{@code {path.<variable>}}: a variable of {@code match.path};</li>
 *   <li>{@code {claim.<name>}}: a claim of the caller, by name or dotted path ({@link ClaimPath});</li>
 *   <li>{@code {request_id}}: the request id the client gets back;</li>
 *   <li>{@code {client_ip}}: the client's address (the trusted {@code X-Forwarded-For} entry when
 *       forwarding headers are trusted).</li>
 * </ul>
 * A claim the caller does not have (or an anonymous caller) leaves the value out altogether:
 * the header or parameter is not sent rather than sent empty, as {@code claims.forward} does.
 */
final class Template {

    private static final Pattern PLACEHOLDER = Pattern.compile("\\{([^{}]*)}");
    private static final String SOURCES = "{path.<variable>}, {claim.<name>}, {request_id} or {client_ip}";

    private enum Kind { LITERAL, PATH, CLAIM, REQUEST_ID, CLIENT_IP }

    private record Part(Kind kind, String text) {
    }

    private final Part[] parts;

    private Template(List<Part> parts) {
        this.parts = parts.toArray(Part[]::new);
    }

    /**
     * Reads a value, recording a problem for an unknown placeholder, a path variable the route does
     * not have, or a control character.
     *
     * @param node  the value's node
     * @param match the route's matchers, or {@code null} when they are invalid themselves
     * @return the template, or {@code null} when unusable
     */
    static @Nullable Template parse(ConfigNode node, RouteDefinition.@Nullable Match match) {
        String text = node.string(null);
        if (text == null) {
            node.problem("is required");
            return null;
        }
        if (text.isEmpty()) {
            node.problem("must not be empty (remove drops a header or parameter)");
            return null;
        }
        for (char c : text.toCharArray()) {
            if (c < 0x20 && c != '\t' || c == 0x7f) {
                node.problem("contains a control character; a header or parameter value cannot carry one");
                return null;
            }
        }
        List<Part> parts = new ArrayList<>();
        Matcher m = PLACEHOLDER.matcher(text);
        int last = 0;
        boolean usable = true;
        while (m.find()) {
            if (m.start() > last) {
                parts.add(new Part(Kind.LITERAL, text.substring(last, m.start())));
            }
            Part part = placeholder(m.group(1), node, match);
            usable &= part != null;
            parts.add(part);
            last = m.end();
        }
        if (last < text.length()) {
            parts.add(new Part(Kind.LITERAL, text.substring(last)));
        }
        return usable ? new Template(parts) : null;
    }

    private static Part placeholder(String name, ConfigNode node, RouteDefinition.Match match) {
        if (name.equals("request_id")) {
            return new Part(Kind.REQUEST_ID, name);
        }
        if (name.equals("client_ip")) {
            return new Part(Kind.CLIENT_IP, name);
        }
        if (name.startsWith("claim.") && name.length() > "claim.".length()) {
            return new Part(Kind.CLAIM, name.substring("claim.".length()));
        }
        if (name.startsWith("path.")) {
            String variable = name.substring("path.".length());
            if (match != null && !match.path().variableNames().contains(variable)) {
                node.problem("uses {" + name + "} but match.path has no variable '" + variable + "' (it has: "
                    + (match.path().variableNames().isEmpty() ? "none" : String.join(", ", match.path().variableNames())) + ")");
                return null;
            }
            return new Part(Kind.PATH, variable);
        }
        String hint = match != null && match.path().variableNames().contains(name) ? " (write {path." + name + "} for the path variable)" : "";
        node.problem("uses {" + name + "}; a placeholder is " + SOURCES + hint);
        return null;
    }

    /**
     * @param exchange the request
     * @return the value for it, or {@code null} when a claim it names is absent
     */
    @Nullable
    String expand(PolicyExchange exchange) {
        if (parts.length == 1 && parts[0].kind == Kind.LITERAL) {
            return parts[0].text;
        }
        StringBuilder out = new StringBuilder();
        for (Part part : parts) {
            String value = switch (part.kind) {
                case LITERAL -> part.text;
                case REQUEST_ID -> exchange.requestId();
                case CLIENT_IP -> exchange.clientIp();
                case PATH -> {
                    RouteMatch match = exchange.match();
                    yield match == null ? null : match.variables().get(part.text);
                }
                case CLAIM -> ClaimPath.headerValue(exchange.principal().claim(part.text));
            };
            if (value == null) {
                return null;
            }
            out.append(value);
        }
        return out.toString();
    }
}
