package io.gatehouse.policy.store;

import io.gatehouse.policy.PolicyExchange;
import io.gatehouse.route.RequestView;
import io.gatehouse.security.GatewayPrincipal;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What stored policies build their keys from, the same way for the response cache and
 * idempotency records.
 *
 * <p>The caller's {@link #callerScope scope} keeps one caller's stored responses from reaching
 * another: an admitted principal is named by its method, issuer, tenant and subject; a caller that
 * no route access admitted but that sends credentials the upstream may read ({@code Authorization},
 * {@code Proxy-Authorization}, {@code Cookie}, the API-key header) is named by a hash of those
 * credentials; everyone else shares the anonymous scope.
 */
public final class RequestKeys {

    /** The scope of callers without credentials. */
    public static final String ANONYMOUS = "anonymous";

    private static final List<String> CREDENTIAL_HEADERS = List.of("Authorization", "Proxy-Authorization", "Cookie");
    private static final HexFormat HEX = HexFormat.of();

    private RequestKeys() {
    }

    /**
     * @param exchange     the exchange, after access admitted the caller
     * @param apiKeyHeader the header API keys are presented in ({@code gateway.api-keys.header})
     * @return the caller's scope
     */
    public static String callerScope(PolicyExchange exchange, String apiKeyHeader) {
        GatewayPrincipal principal = exchange.principal();
        if (!principal.anonymous()) {
            Object issuer = principal.claims().get("iss");
            return "principal\n" + principal.method() + "\n" + (issuer == null ? "" : issuer) + "\n"
                + (principal.tenant() == null ? "" : principal.tenant()) + "\n" + principal.subject();
        }
        RequestView request = exchange.request();
        StringBuilder credentials = null;
        for (String name : CREDENTIAL_HEADERS) {
            credentials = appendValues(credentials, name, request.headers(name));
        }
        credentials = appendValues(credentials, apiKeyHeader, request.headers(apiKeyHeader));
        return credentials == null ? ANONYMOUS : "credentials\n" + sha256Hex(credentials.toString());
    }

    private static StringBuilder appendValues(StringBuilder out, String name, List<String> values) {
        if (values.isEmpty()) {
            return out;
        }
        StringBuilder builder = out == null ? new StringBuilder() : out;
        for (String value : values) {
            builder.append(name).append(':').append(value).append('\n');
        }
        return builder;
    }

    /**
     * The query in one canonical form: parameters sorted by name, each name's values in the order
     * sent, names and values percent-encoded the same way whatever the client's encoding.
     *
     * @param request the request
     * @return the canonical query, empty for none
     */
    public static String canonicalQuery(RequestView request) {
        Map<String, List<String>> parameters = request.queryParameters();
        if (parameters.isEmpty()) {
            return "";
        }
        StringBuilder out = new StringBuilder();
        for (Map.Entry<String, List<String>> parameter : new TreeMap<>(parameters).entrySet()) {
            String name = URLEncoder.encode(parameter.getKey(), StandardCharsets.UTF_8);
            List<String> values = parameter.getValue().isEmpty() ? List.of("") : parameter.getValue();
            for (String value : values) {
                out.append(out.isEmpty() ? "" : "&").append(name).append('=').append(URLEncoder.encode(value, StandardCharsets.UTF_8));
            }
        }
        return out.toString();
    }

    /**
     * @param request a request
     * @param name    a header name
     * @return its values joined by commas, as one field line would carry them; empty when absent
     */
    public static String joinedHeader(RequestView request, String name) {
        List<String> values = request.headers(name);
        return values.isEmpty() ? "" : String.join(", ", values);
    }

    /**
     * @param text text
     * @return the SHA-256 of its UTF-8 bytes, lower-case hex
     */
    public static String sha256Hex(String text) {
        return HEX.formatHex(sha256(text.getBytes(StandardCharsets.UTF_8)));
    }

    /**
     * @param parts byte arrays, hashed one after the other with their lengths
     * @return their SHA-256
     */
    public static byte[] sha256(byte[]... parts) {
        MessageDigest digest = digest();
        for (byte[] part : parts) {
            int length = part.length;
            digest.update(new byte[] {(byte) (length >>> 24), (byte) (length >>> 16), (byte) (length >>> 8), (byte) length});
            digest.update(part);
        }
        return digest.digest();
    }

    private static MessageDigest digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java platform", e);
        }
    }
}
