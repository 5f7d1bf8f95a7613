package io.gatehouse.route;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A route's path matcher: {@code /v1/capsules} (exact), {@code /api/**} (prefix) or
 * {@code /{project}/{service}/**} (template). Segments are literals, {@code {name}} variables or
 * {@code *} (one segment each); {@code **}, last only, matches the rest of the path, empty included.
 */
public final class PathPattern {

    private static final Pattern VARIABLE = Pattern.compile("\\{([A-Za-z_][A-Za-z0-9_-]*)}");

    private enum Kind { LITERAL, VARIABLE, WILDCARD }

    private record Segment(Kind kind, String text) {
    }

    /** Checks literal segments: the rule requests are normalised by, encoded slashes allowed. */
    private static final PathNormaliser LITERALS = new PathNormaliser(true);

    private final String pattern;
    private final List<Segment> segments;
    private final boolean remainder;
    private final int literalSegments;
    private final int literalLength;

    private PathPattern(String pattern, List<Segment> segments, boolean remainder) {
        this.pattern = pattern;
        this.segments = List.copyOf(segments);
        this.remainder = remainder;
        this.literalSegments = (int) segments.stream().filter(s -> s.kind() == Kind.LITERAL).count();
        this.literalLength = segments.stream().filter(s -> s.kind() == Kind.LITERAL).mapToInt(s -> s.text().length() + 1).sum();
    }

    /**
     * @param pattern the pattern text
     * @return the compiled pattern
     * @throws IllegalArgumentException with a message for the configuration error when it is malformed
     */
    public static PathPattern parse(String pattern) {
        if (!pattern.startsWith("/")) {
            throw new IllegalArgumentException("must start with '/'");
        }
        if (pattern.contains("?") || pattern.contains("#")) {
            throw new IllegalArgumentException("must not contain a query or fragment; use match.query");
        }
        String[] parts = pattern.substring(1).split("/", -1);
        List<Segment> segments = new ArrayList<>();
        boolean remainder = false;
        List<String> names = new ArrayList<>();
        for (int i = 0; i < parts.length; i++) {
            String part = parts[i];
            boolean last = i == parts.length - 1;
            if (part.equals("**")) {
                if (!last) {
                    throw new IllegalArgumentException("'**' may only be the last segment");
                }
                remainder = true;
            } else if (part.equals("*")) {
                segments.add(new Segment(Kind.WILDCARD, "*"));
            } else if (part.startsWith("{")) {
                var m = VARIABLE.matcher(part);
                if (!m.matches()) {
                    throw new IllegalArgumentException("segment '" + part + "' is not a variable such as {project}");
                }
                if (names.contains(m.group(1))) {
                    throw new IllegalArgumentException("variable {" + m.group(1) + "} appears twice");
                }
                names.add(m.group(1));
                segments.add(new Segment(Kind.VARIABLE, m.group(1)));
            } else if (part.contains("{") || part.contains("}") || part.contains("*")) {
                throw new IllegalArgumentException("segment '" + part + "' mixes text with a variable or wildcard");
            } else if (part.isEmpty() && !last && !(parts.length == 1)) {
                throw new IllegalArgumentException("must not contain empty segments ('//')");
            } else {
                requireNormal(part);
                segments.add(new Segment(Kind.LITERAL, part));
            }
        }
        return new PathPattern(pattern, segments, remainder);
    }

    /**
     * Requests are matched on their normalised path ({@link PathNormaliser}), so a literal segment
     * that normalisation would change or refuse could never match: it is refused here. An encoded
     * slash is allowed, for {@code gateway.path-normalisation.encoded-slash: keep}.
     */
    private static void requireNormal(String literal) {
        if (literal.isEmpty()) {
            return;
        }
        if (literal.equals(".") || literal.equals("..")) {
            throw new IllegalArgumentException("segment '" + literal + "' can never match: request paths are matched "
                + "with dot segments removed");
        }
        String normal;
        try {
            normal = LITERALS.normalise("/" + literal);
        } catch (PathNormaliser.InvalidPathException e) {
            throw new IllegalArgumentException("segment '" + literal + "' can never match: requests with "
                + e.reason() + " are refused (see path normalisation)");
        }
        if (!normal.equals("/" + literal)) {
            throw new IllegalArgumentException("segment '" + literal + "' can never match a normalised path; write '"
                + normal.substring(1) + "'");
        }
    }

    /**
     * The result of a successful match.
     *
     * @param variables the values of {@code {name}} segments
     * @param matched   the part of the path matched by the segments before {@code **}
     * @param remainder the part matched by {@code **}, starting with {@code /}, or empty
     */
    public record Match(Map<String, String> variables, String matched, String remainder) {
    }

    /**
     * @param path a request path, starting with {@code /}, not decoded
     * @return the match, or {@code null} when the path does not match
     */
    public Match match(String path) {
        int pos = 1;
        Map<String, String> variables = null;
        for (Segment segment : segments) {
            if (pos > path.length()) {
                return null;
            }
            int end = path.indexOf('/', pos);
            if (end < 0) {
                end = path.length();
            }
            String value = path.substring(pos, end);
            switch (segment.kind()) {
                case LITERAL -> {
                    if (!segment.text().equals(value)) {
                        return null;
                    }
                }
                case VARIABLE -> {
                    if (value.isEmpty()) {
                        return null;
                    }
                    if (variables == null) {
                        variables = new LinkedHashMap<>(4);
                    }
                    variables.put(segment.text(), value);
                }
                default -> {
                    if (value.isEmpty()) {
                        return null;
                    }
                }
            }
            pos = end + 1;
        }
        int matchedEnd = Math.min(pos - 1, path.length());
        String rest = path.substring(matchedEnd);
        if (!remainder && !rest.isEmpty()) {
            return null;
        }
        if (segments.isEmpty() && !remainder && !path.equals("/")) {
            return null;
        }
        String matched = segments.isEmpty() ? "" : path.substring(0, matchedEnd);
        return new Match(variables == null ? Map.of() : variables, matched, rest);
    }

    /**
     * @return whether the pattern is only literal segments
     */
    public boolean isExact() {
        return !remainder && literalSegments == segments.size();
    }

    /**
     * @return whether it ends in {@code **}
     */
    public boolean hasRemainder() {
        return remainder;
    }

    /**
     * @return the number of literal segments, for the priority rule
     */
    public int literalSegments() {
        return literalSegments;
    }

    /**
     * @return the number of characters in literal segments, for the priority rule
     */
    public int literalLength() {
        return literalLength;
    }

    /**
     * @return the number of segments before any {@code **}
     */
    public int segmentCount() {
        return segments.size();
    }

    /**
     * @return the names of the variables in order
     */
    public List<String> variableNames() {
        return segments.stream().filter(s -> s.kind() == Kind.VARIABLE).map(Segment::text).toList();
    }

    @Override
    public String toString() {
        return pattern;
    }
}
