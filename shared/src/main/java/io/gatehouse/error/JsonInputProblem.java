package io.gatehouse.error;

import com.fasterxml.jackson.annotation.JsonAlias;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.InputCoercionException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.io.JsonEOFException;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.beans.BeanIntrospection;
import io.micronaut.core.beans.BeanIntrospector;
import io.micronaut.core.beans.BeanProperty;
import io.micronaut.core.convert.exceptions.ConversionErrorException;
import io.micronaut.json.JsonSyntaxException;
import io.micronaut.serde.exceptions.SerdeException;

import java.io.CharConversionException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * What is wrong with a JSON request body, read from the exception the parser (jackson-core) or
 * the binder (micronaut-serde) threw: the rule it broke ({@code details.rule}), the field and
 * path where known, and a message of the gateway's own. Parser and binder messages are never
 * passed on as they are: they name internal types and quote the input.
 *
 * <p>The limits are the parser's own ({@link StreamReadConstraints}); duplicate keys are refused
 * by jackson-core's {@code STRICT_DUPLICATE_DETECTION} and unknown fields by micronaut-serde
 * ({@code micronaut.serde.deserialization.ignore-unknown: false}), both set in
 * {@code application.yml}.
 *
 * @param rule    the rule broken, as {@code details.rule}
 * @param message the message for the client
 * @param details everything else the client is told
 */
record JsonInputProblem(String rule, String message, Map<String, Object> details) {

    /** A field name longer than this is cut in answers, so a hostile key does not come back whole. */
    private static final int MAX_NAME_LENGTH = 100;

    /** How many causes are looked at, against cyclic cause chains. */
    private static final int MAX_CHAIN = 16;

    private static final Pattern UNKNOWN = Pattern.compile("Unknown property \\[(.*)] encountered during deserialization", Pattern.DOTALL);
    private static final Pattern DUPLICATE = Pattern.compile("Duplicate field '(.*?)'(?:\\s+at \\[|$)", Pattern.DOTALL);
    private static final Pattern UNEXPECTED = Pattern.compile("Unexpected token ([A-Z_]+), expected ([A-Z_]+)");
    private static final Pattern LOCATION = Pattern.compile("line: (\\d+), column: (\\d+)");

    /**
     * @param cause    the exception that stopped reading the body
     * @param bodyType the type the endpoint reads its body into, when known, to list its fields
     * @return the problem, or empty when the exception is not about the JSON of the body
     */
    static Optional<JsonInputProblem> of(Throwable cause, @Nullable Class<?> bodyType) {
        List<Throwable> chain = new ArrayList<>();
        for (Throwable t = cause; t != null && chain.size() < MAX_CHAIN; t = t.getCause() == t ? null : t.getCause()) {
            if (bodyType == null && t instanceof ConversionErrorException conversion) {
                bodyType = conversion.getArgument().getType();
            }
            chain.add(t);
        }
        // The deepest cause is the most precise: wrappers repeat its message with less structure.
        for (Throwable t : chain.reversed()) {
            JsonInputProblem problem = classify(t, bodyType);
            if (problem != null) {
                return Optional.of(problem);
            }
        }
        return Optional.empty();
    }

    private static JsonInputProblem classify(Throwable t, Class<?> bodyType) {
        String text = t.getMessage() == null ? "" : t.getMessage();
        Map<String, Object> details = new LinkedHashMap<>();
        if (t instanceof StreamConstraintsException) {
            return limit(text, details);
        }
        if (t instanceof JsonEOFException) {
            location(t, text, details);
            return new JsonInputProblem("truncated", "The JSON body ends before it is complete.", details);
        }
        if (t instanceof InputCoercionException) {
            location(t, text, details);
            path(t, details);
            return new JsonInputProblem("number_range", "A number in the JSON body is out of the range its field allows.", details);
        }
        if (t instanceof CharConversionException || text.startsWith("Invalid UTF-8") || text.contains("Invalid UTF-8 ")) {
            location(t, text, details);
            return new JsonInputProblem("encoding", "The JSON body is not valid UTF-8.", details);
        }
        Matcher duplicate = DUPLICATE.matcher(text);
        if (t instanceof JsonProcessingException && duplicate.find()) {
            String field = name(currentName(t).orElse(duplicate.group(1)));
            details.put("field", field);
            path(t, details);
            location(t, text, details);
            return new JsonInputProblem("duplicate_key", "Key '" + field + "' appears more than once in the same object; "
                + "JSON with duplicate keys is refused.", details);
        }
        if (t instanceof JsonProcessingException) {
            location(t, text, details);
            return new JsonInputProblem("syntax", "The request body is not valid JSON.", details);
        }
        if (t instanceof SerdeException) {
            Matcher unknown = UNKNOWN.matcher(text);
            if (unknown.find()) {
                String field = name(unknown.group(1));
                details.put("field", field);
                List<String> accepted = accepted(bodyType);
                if (!accepted.isEmpty()) {
                    details.put("accepted", accepted);
                }
                return new JsonInputProblem("unknown_field", "Field '" + field + "' is not known here"
                    + (accepted.isEmpty() ? "." : "; accepted fields: " + String.join(", ", accepted) + "."), details);
            }
            location(t, text, details);
            Matcher unexpected = UNEXPECTED.matcher(text);
            if (unexpected.find()) {
                String expected = kind(unexpected.group(2));
                String found = kind(unexpected.group(1));
                details.put("expected", expected);
                details.put("found", found);
                return new JsonInputProblem("type", "A value in the JSON body has the wrong type: expected " + article(expected)
                    + ", found " + article(found) + ".", details);
            }
            return new JsonInputProblem("type", "A value in the JSON body does not fit the field it is given for.", details);
        }
        if (t instanceof JsonSyntaxException) {
            return new JsonInputProblem("syntax", "The request body is not valid JSON.", details);
        }
        return null;
    }

    /** A jackson-core limit: what its message says, the rule, the limit, and what the client is told. */
    private record Limit(String marker, String rule, int limit, String message) {
    }

    private static final List<Limit> LIMITS = limits(StreamReadConstraints.defaults());

    private static List<Limit> limits(StreamReadConstraints constraints) {
        return List.of(
            new Limit("nesting depth", "max_depth", constraints.getMaxNestingDepth(), "The JSON body is nested deeper than %d levels."),
            new Limit("number value length", "max_number_length", constraints.getMaxNumberLength(),
                "A number in the JSON body is longer than %d characters."),
            new Limit("name length", "max_name_length", constraints.getMaxNameLength(), "A key in the JSON body is longer than %d characters."),
            new Limit("string value length", "max_string_length", constraints.getMaxStringLength(),
                "A string in the JSON body is longer than %d characters."));
    }

    private static JsonInputProblem limit(String text, Map<String, Object> details) {
        String lower = text.toLowerCase(Locale.ROOT);
        for (Limit limit : LIMITS) {
            if (lower.contains(limit.marker())) {
                details.put("limit", limit.limit());
                return new JsonInputProblem(limit.rule(), limit.message().formatted(limit.limit()), details);
            }
        }
        return new JsonInputProblem("max_size", "The JSON body exceeds a limit of the parser.", details);
    }

    /** The JSON names of the body type's fields, as micronaut-serde reads them. */
    private static List<String> accepted(Class<?> bodyType) {
        if (bodyType == null) {
            return List.of();
        }
        Optional<? extends BeanIntrospection<?>> introspection = BeanIntrospector.SHARED.findIntrospection(bodyType);
        return introspection.map(found -> found.getBeanProperties().stream()
                .flatMap(JsonInputProblem::jsonNames)
                .distinct()
                .sorted()
                .toList())
            .orElse(List.of());
    }

    /** A property's JSON name and its documented aliases ({@code @JsonAlias}). */
    private static Stream<String> jsonNames(BeanProperty<?, ?> property) {
        String name = property.getAnnotationMetadata().stringValue(JsonProperty.class).filter(s -> !s.isEmpty()).orElse(property.getName());
        return Stream.concat(Stream.of(name), Arrays.stream(property.getAnnotationMetadata().stringValues(JsonAlias.class)));
    }

    private static void path(Throwable t, Map<String, Object> details) {
        if (t instanceof JsonProcessingException processing && processing.getProcessor() instanceof JsonParser parser
            && parser.getParsingContext() != null) {
            String pointer = parser.getParsingContext().pathAsPointer().toString();
            if (!pointer.isEmpty() && pointer.length() <= MAX_NAME_LENGTH * 4) {
                details.put("path", pointer);
            }
        }
    }

    /** The key the parser was reading when it failed. */
    private static Optional<String> currentName(Throwable t) {
        if (t instanceof JsonProcessingException processing && processing.getProcessor() instanceof JsonParser parser
            && parser.getParsingContext() != null) {
            return Optional.ofNullable(parser.getParsingContext().getCurrentName());
        }
        return Optional.empty();
    }

    private static void location(Throwable t, String text, Map<String, Object> details) {
        if (t instanceof JsonProcessingException processing && processing.getLocation() != null) {
            JsonLocation location = processing.getLocation();
            if (location.getLineNr() > 0) {
                details.put("line", location.getLineNr());
                details.put("column", location.getColumnNr());
            }
            return;
        }
        Matcher matcher = LOCATION.matcher(text);
        if (matcher.find()) {
            details.put("line", Integer.parseInt(matcher.group(1)));
            details.put("column", Integer.parseInt(matcher.group(2)));
        }
    }

    private static String name(String raw) {
        return raw.length() > MAX_NAME_LENGTH ? raw.substring(0, MAX_NAME_LENGTH) + "…" : raw;
    }

    /** A jackson token as a JSON kind. */
    private static String kind(String token) {
        return switch (token) {
            case "START_OBJECT", "END_OBJECT", "FIELD_NAME" -> "object";
            case "START_ARRAY", "END_ARRAY" -> "array";
            case "VALUE_STRING" -> "string";
            case "VALUE_NUMBER_INT" -> "integer";
            case "VALUE_NUMBER_FLOAT" -> "number";
            case "VALUE_TRUE", "VALUE_FALSE" -> "boolean";
            case "VALUE_NULL" -> "null";
            default -> "value";
        };
    }

    private static String article(String kind) {
        return switch (kind) {
            case "object", "array", "integer" -> "an " + kind;
            case "null" -> "null";
            default -> "a " + kind;
        };
    }
}
