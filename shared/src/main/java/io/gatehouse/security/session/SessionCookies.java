package io.gatehouse.security.session;

import java.util.List;

/**
 * Reads one cookie out of {@code Cookie} request headers (RFC 6265 section 5.4: {@code name=value}
 * pairs separated by {@code ;}), the same way for every runtime's request view.
 */
public final class SessionCookies {

    private SessionCookies() {
    }

    /**
     * @param headers every {@code Cookie} header of a request
     * @param name    the cookie's name
     * @return the first non-empty value of that cookie (quotes removed), or {@code null}
     */
    public static String find(List<String> headers, String name) {
        for (String header : headers) {
            if (header == null || !header.contains(name)) {
                continue;
            }
            for (String pair : header.split(";")) {
                int equals = pair.indexOf('=');
                if (equals <= 0 || !pair.substring(0, equals).trim().equals(name)) {
                    continue;
                }
                String value = pair.substring(equals + 1).trim();
                if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
                    value = value.substring(1, value.length() - 1);
                }
                if (!value.isEmpty()) {
                    return value;
                }
            }
        }
        return null;
    }
}
