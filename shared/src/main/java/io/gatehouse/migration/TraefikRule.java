package io.gatehouse.migration;

import java.util.ArrayList;
import java.util.List;

/**
 * A Traefik router rule ({@code Host(`a`) && PathPrefix(`/x`)}) read as alternatives of
 * conjunctions of matchers, the only shape a set of Gatehouse routes can express: {@code ||}
 * between conjunctions becomes one route per alternative; {@code !}, and parentheses that group
 * more than a matcher's arguments, are refused.
 *
 * @param alternatives each alternative's matchers
 */
record TraefikRule(List<List<Matcher>> alternatives) {

    /**
     * One matcher of a rule.
     *
     * @param name      its name, such as {@code PathPrefix}
     * @param arguments its arguments, unquoted
     */
    record Matcher(String name, List<String> arguments) {
    }

    /**
     * @param rule the rule
     * @return it parsed
     * @throws IllegalArgumentException naming what cannot be read
     */
    static TraefikRule parse(String rule) {
        List<List<Matcher>> alternatives = new ArrayList<>();
        List<Matcher> current = new ArrayList<>();
        int i = 0;
        int n = rule.length();
        boolean expectMatcher = true;
        while (i < n) {
            char c = rule.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
            } else if (rule.startsWith("&&", i) && !expectMatcher) {
                expectMatcher = true;
                i += 2;
            } else if (rule.startsWith("||", i) && !expectMatcher) {
                alternatives.add(current);
                current = new ArrayList<>();
                expectMatcher = true;
                i += 2;
            } else if (c == '!') {
                throw new IllegalArgumentException("a negation (!) cannot be expressed by Gatehouse matchers");
            } else if (c == '(') {
                throw new IllegalArgumentException("grouping with parentheses cannot be expressed; write one router per alternative");
            } else if (Character.isLetter(c) && expectMatcher) {
                int start = i;
                while (i < n && Character.isLetterOrDigit(rule.charAt(i))) {
                    i++;
                }
                String name = rule.substring(start, i);
                while (i < n && Character.isWhitespace(rule.charAt(i))) {
                    i++;
                }
                if (i >= n || rule.charAt(i) != '(') {
                    throw new IllegalArgumentException("'" + name + "' is not followed by '('");
                }
                i++;
                List<String> arguments = new ArrayList<>();
                while (true) {
                    while (i < n && (Character.isWhitespace(rule.charAt(i)) || rule.charAt(i) == ',')) {
                        i++;
                    }
                    if (i >= n) {
                        throw new IllegalArgumentException("unclosed '" + name + "('");
                    }
                    char q = rule.charAt(i);
                    if (q == ')') {
                        i++;
                        break;
                    }
                    if (q != '`' && q != '"' && q != '\'') {
                        throw new IllegalArgumentException("an argument of " + name + " is not quoted");
                    }
                    int end = rule.indexOf(q, i + 1);
                    if (end < 0) {
                        throw new IllegalArgumentException("unclosed quote in " + name);
                    }
                    arguments.add(rule.substring(i + 1, end));
                    i = end + 1;
                }
                current.add(new Matcher(name, List.copyOf(arguments)));
                expectMatcher = false;
            } else {
                throw new IllegalArgumentException("unexpected '" + c + "' at " + i);
            }
        }
        if (expectMatcher) {
            throw new IllegalArgumentException(current.isEmpty() && alternatives.isEmpty() ? "empty rule" : "ends with an operator");
        }
        alternatives.add(current);
        return new TraefikRule(List.copyOf(alternatives));
    }
}
