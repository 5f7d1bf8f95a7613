package io.gatehouse.security;

import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * How the gateway finds a claim by name, the same everywhere a claim is named: roles, tenant and
 * group claims, {@code claims.required}, {@code claims.match}, {@code claims.forward}, consistent
 * hashing on {@code claim:<name>}. A name is a claim, or a dotted path into nested objects, such as
 * Keycloak's {@code realm_access.roles} or {@code resource_access.orders-api.roles}.
 *
 * <p>A key that exists exactly wins over a path: at each level the whole remaining name is tried
 * as a key first, then its dotted prefixes, longest first, each followed into the object it names.
 * So a claim named {@code https://example.com/roles} or {@code user.role} is found as it is, and
 * a client id with dots ({@code resource_access.my.app.roles}) still resolves. This is the rule
 * Apache Solr's JWT plugin and Nextcloud's OIDC app settled on for the same problem; no escape
 * character is needed.
 */
public final class ClaimPath {

    /** Paths deeper than this are not followed (a token is not a document). */
    private static final int MAX_DEPTH = 16;

    private ClaimPath() {
    }

    /**
     * @param claims the credential's claims, as JSON values
     * @param name   a claim name or dotted path
     * @return the value found there, or {@code null}
     */
    public static Object resolve(Map<?, ?> claims, String name) {
        if (claims == null || name == null || name.isEmpty()) {
            return null;
        }
        return resolve(claims, name, 0);
    }

    private static Object resolve(Map<?, ?> node, String name, int depth) {
        Object exact = node.get(name);
        if (exact != null || depth >= MAX_DEPTH) {
            return exact;
        }
        for (int dot = name.lastIndexOf('.'); dot > 0; dot = name.lastIndexOf('.', dot - 1)) {
            if (node.get(name.substring(0, dot)) instanceof Map<?, ?> child && dot + 1 < name.length()) {
                Object found = resolve(child, name.substring(dot + 1), depth + 1);
                if (found != null) {
                    return found;
                }
            }
        }
        return null;
    }

    /**
     * A claim read as a set of words: a JSON array's elements, or a string split at spaces and
     * commas (how roles, scopes and groups are written by different providers).
     *
     * @param claims the credential's claims
     * @param name   a claim name or dotted path
     * @return the values, in order, without repeats; empty when the claim is absent or an object
     */
    public static Set<String> values(Map<?, ?> claims, String name) {
        return words(resolve(claims, name));
    }

    /**
     * @param claim a claim's value
     * @return its words: a JSON array's elements, or a string split at spaces and commas
     */
    public static Set<String> words(Object claim) {
        Set<String> out = new LinkedHashSet<>();
        if (claim instanceof String text) {
            for (String part : text.split("[\\s,]+")) {
                if (!part.isEmpty()) {
                    out.add(part);
                }
            }
        } else if (claim instanceof Collection<?> list) {
            for (Object item : list) {
                if (item != null) {
                    out.add(String.valueOf(item));
                }
            }
        }
        return out;
    }

    /**
     * A claim as a request or response header carries it, the same wherever a claim becomes a
     * header ({@code claims.forward}, transforms' {@code {claim.<name>}}).
     *
     * @param claim a claim's value
     * @return its text, a JSON array's elements joined with commas, control characters dropped so
     *     that a claim cannot split a header; {@code null} for no claim or an object
     */
    public static String headerValue(Object claim) {
        if (claim == null || claim instanceof Map<?, ?>) {
            return null;
        }
        String text = claim instanceof Collection<?> values
            ? String.join(",", values.stream().map(String::valueOf).toList())
            : String.valueOf(claim);
        StringBuilder out = new StringBuilder(text.length());
        for (char c : text.toCharArray()) {
            if (c >= 0x20 && c != 0x7f || c == '\t') {
                out.append(c);
            }
        }
        return out.toString();
    }
}
