package io.gatehouse.route;

import java.util.regex.Pattern;

/**
 * Matches a header or query value: {@code "*"} (present, any value), {@code "~regex"} (the whole
 * value matches the regular expression) or anything else (equal, case-sensitive).
 */
public sealed interface ValueMatcher {

    /**
     * @param value the request's value, or {@code null} when absent
     * @return whether it matches
     */
    boolean matches(String value);

    /**
     * @param spec the configured text
     * @return the matcher
     * @throws java.util.regex.PatternSyntaxException when a {@code ~} expression is invalid
     */
    static ValueMatcher parse(String spec) {
        if (spec.equals("*")) {
            return new Present();
        }
        if (spec.startsWith("~")) {
            return new Regex(Pattern.compile(spec.substring(1)));
        }
        return new Equals(spec);
    }

    /** Present with any value. */
    record Present() implements ValueMatcher {
        @Override
        public boolean matches(String value) {
            return value != null;
        }
    }

    /**
     * Equal to a value.
     *
     * @param expected the value
     */
    record Equals(String expected) implements ValueMatcher {
        @Override
        public boolean matches(String value) {
            return expected.equals(value);
        }
    }

    /**
     * Matching a regular expression as a whole.
     *
     * @param pattern the expression
     */
    record Regex(Pattern pattern) implements ValueMatcher {
        @Override
        public boolean matches(String value) {
            return value != null && pattern.matcher(value).matches();
        }
    }
}
