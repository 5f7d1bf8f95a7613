package io.gatehouse.policy.headers;

import io.micronaut.core.annotation.Nullable;

import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The security headers the gateway sets, each with the key that configures it (globally under
 * {@code gateway.security-headers.<key>}, per route under {@code security-headers.<key>}) and the
 * values it accepts, so a typo is refused where it is written rather than sent to browsers that
 * would ignore it.
 */
enum SecurityHeader {

    /** {@code X-Content-Type-Options}: only {@code nosniff} exists. */
    CONTENT_TYPE_OPTIONS("content-type-options", "X-Content-Type-Options") {
        @Override
        String problem(String value) {
            return value.equalsIgnoreCase("nosniff") ? null : "must be nosniff";
        }
    },
    /** {@code X-Frame-Options}: {@code DENY} or {@code SAMEORIGIN} ({@code ALLOW-FROM} is obsolete; use CSP {@code frame-ancestors}). */
    FRAME_OPTIONS("frame-options", "X-Frame-Options") {
        @Override
        String problem(String value) {
            return value.equalsIgnoreCase("DENY") || value.equalsIgnoreCase("SAMEORIGIN") ? null
                : "must be DENY or SAMEORIGIN (for anything finer use content-security-policy: frame-ancestors ...)";
        }
    },
    /** {@code Content-Security-Policy}: any policy; added beside the upstream's, never replacing it. */
    CONTENT_SECURITY_POLICY("content-security-policy", "Content-Security-Policy") {
        @Override
        String problem(String value) {
            return null;
        }
    },
    /** {@code Referrer-Policy}: one or more of the policy tokens, comma-separated (the last one a browser knows wins). */
    REFERRER_POLICY("referrer-policy", "Referrer-Policy") {
        @Override
        String problem(String value) {
            for (String token : value.split(",")) {
                if (!REFERRER_POLICIES.contains(token.strip().toLowerCase(Locale.ROOT))) {
                    return "must be one of " + String.join(", ", REFERRER_POLICIES.stream().sorted().toList())
                        + " (or several, comma-separated)";
                }
            }
            return null;
        }
    },
    /** {@code Strict-Transport-Security}: {@code max-age=<seconds>} with {@code includeSubDomains} and {@code preload}; sent only over TLS. */
    STRICT_TRANSPORT_SECURITY("strict-transport-security", "Strict-Transport-Security") {
        @Override
        String problem(String value) {
            return HSTS.matcher(value).matches() ? null
                : "must be max-age=<seconds>, optionally followed by ; includeSubDomains and ; preload";
        }
    };

    private static final Set<String> REFERRER_POLICIES = Set.of("no-referrer", "no-referrer-when-downgrade", "origin",
        "origin-when-cross-origin", "same-origin", "strict-origin", "strict-origin-when-cross-origin", "unsafe-url");
    private static final Pattern HSTS = Pattern.compile(
        "(?i)max-age=\\d{1,10}(\\s*;\\s*includesubdomains)?(\\s*;\\s*preload)?\\s*;?");

    private final String key;
    private final String header;

    SecurityHeader(String key, String header) {
        this.key = key;
        this.header = header;
    }

    /**
     * @return the configuration key, such as {@code frame-options}
     */
    String key() {
        return key;
    }

    /**
     * @return the response header, such as {@code X-Frame-Options}
     */
    String header() {
        return header;
    }

    /**
     * @param value a configured value, trimmed and not blank
     * @return what is wrong with it, or {@code null} when the header accepts it
     */
    abstract @Nullable String problem(String value);

    /**
     * @param value a configured value
     * @return what is wrong with it as a header value at all (a control character would split the response), or {@code null}
     */
    static @Nullable String unsendable(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x20 && c != '\t' || c == 0x7F || c > 0xFF) {
                return "must be printable ASCII text on one line";
            }
        }
        return null;
    }

    /**
     * @return the configuration keys, in declaration order
     */
    static String[] keys() {
        SecurityHeader[] all = values();
        String[] keys = new String[all.length];
        for (int i = 0; i < all.length; i++) {
            keys[i] = all[i].key;
        }
        return keys;
    }
}
