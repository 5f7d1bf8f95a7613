package io.gatehouse.security;

import java.util.Collection;

/**
 * {@code WWW-Authenticate} values for bearer tokens (RFC 6750 section 3).
 */
public final class BearerChallenge {

    /** The response header that carries a challenge. */
    public static final String HEADER = "WWW-Authenticate";

    /** The realm every challenge names. */
    public static final String REALM = "gatehouse";

    private BearerChallenge() {
    }

    /**
     * @return the challenge for a request without a token
     */
    public static String missing() {
        return "Bearer realm=\"" + REALM + "\"";
    }

    /**
     * @param description why the token is refused
     * @return the challenge for an invalid token
     */
    public static String invalidToken(String description) {
        return "Bearer realm=\"" + REALM + "\", error=\"invalid_token\", error_description=\"" + quotable(description) + "\"";
    }

    /**
     * @param scopes the scopes that would be sufficient
     * @return the challenge for a token without a sufficient scope
     */
    public static String insufficientScope(Collection<String> scopes) {
        return "Bearer realm=\"" + REALM + "\", error=\"insufficient_scope\", scope=\"" + quotable(String.join(" ", scopes)) + "\"";
    }

    /** RFC 6750 allows %x20-21 / %x23-5B / %x5D-7E in error_description and scope. */
    private static String quotable(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (char c : text.toCharArray()) {
            out.append(c >= 0x20 && c <= 0x7e && c != '"' && c != '\\' ? c : '\'');
        }
        return out.toString();
    }
}
