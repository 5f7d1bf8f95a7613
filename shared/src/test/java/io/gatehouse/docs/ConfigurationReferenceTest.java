package io.gatehouse.docs;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.core.importer.Location;
import io.gatehouse.config.GatewayConfiguration;
import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.context.annotation.EachProperty;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Keeps {@code docs/configuration.md} honest: every {@code public static final DEFAULT_*} constant
 * of a configuration class in shared's main code ({@code @ConfigurationProperties} or
 * {@code @EachProperty}) must appear in the reference as a line naming the property and its default,
 * both in backticks. The classes are found among shared's compiled main classes, so a new one is
 * checked without touching this test. app-lambda's {@code LambdaConfiguration} is out of reach
 * from here.
 *
 * <p>A constant {@code DEFAULT_HEALTH_PATH} documents the property {@code health-path}. A constant
 * with a unit suffix ({@code DEFAULT_TIMEOUT_MILLIS}) documents the duration property without it
 * ({@code timeout}), and its default is written as Micronaut reads it ({@code 2000ms}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConfigurationReferenceTest {

    private static final String REFERENCE = "docs/configuration.md";

    /** Unit suffixes of duration constants, with the suffix Micronaut's duration syntax uses. */
    private static final List<String[]> UNITS = List.of(
        new String[] {"_MILLIS", "ms"},
        new String[] {"_SECONDS", "s"});

    private final List<String> lines = readReference();

    static Stream<Arguments> defaults() {
        List<Arguments> out = new ArrayList<>();
        for (Class<?> type : configurationClasses()) {
            for (Field field : type.getDeclaredFields()) {
                int modifiers = field.getModifiers();
                if (field.getName().startsWith("DEFAULT_") && Modifier.isPublic(modifiers)
                    && Modifier.isStatic(modifiers) && Modifier.isFinal(modifiers)) {
                    out.add(Arguments.of(type.getSimpleName() + "." + field.getName(), type, field));
                }
            }
        }
        return out.stream();
    }

    @Test
    void configurationClasses_thenTheKnownOnesFound() {
        Set<String> names = configurationClasses().stream().map(Class::getName).collect(Collectors.toSet());
        assertTrue(names.containsAll(Set.of(
            "io.gatehouse.config.GatewayConfiguration",
            "io.gatehouse.observability.health.HealthConfiguration",
            "io.gatehouse.upstream.HealthChecksConfiguration")), names.toString());
        assertTrue(defaults().findAny().isPresent(), "no DEFAULT_* constant found");
    }

    @Test
    void reference_thenFoundAboveTheWorkingDirectory() {
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("# ")), REFERENCE + " has a title");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("defaults")
    void defaultConstant_thenDocumentedWithPropertyAndValue(String name, Class<?> type, Field field) throws IllegalAccessException {
        String property = property(type, field);
        String value = documentedValue(field);
        boolean documented = lines.stream().anyMatch(line -> line.contains("`" + property + "`") && line.contains("`" + value + "`"));
        assertTrue(documented, REFERENCE + " has no line naming `" + property + "` with its default `" + value + "` (" + name + ")");
    }

    /** The full property name a DEFAULT_* constant documents, checked against the class's getters. */
    private static String property(Class<?> type, Field field) {
        String constantKey = field.getName().substring("DEFAULT_".length());
        String key = constantKey;
        if (!hasGetter(type, key)) {
            String unit = UNITS.stream().map(u -> u[0]).filter(constantKey::endsWith).findFirst()
                .orElseThrow(() -> new AssertionError(type.getSimpleName() + "." + field.getName() + " names no property: "
                    + "there is no getter for " + kebab(constantKey)));
            key = key.substring(0, key.length() - unit.length());
            assertTrue(hasGetter(type, key), type.getSimpleName() + "." + field.getName() + " names no property");
        }
        String prefix = prefix(type);
        return type.isAnnotationPresent(EachProperty.class)
            ? prefix + ".<name>." + kebab(key)
            : prefix + "." + kebab(key);
    }

    private static String documentedValue(Field field) throws IllegalAccessException {
        Object value = field.get(null);
        for (String[] unit : UNITS) {
            if (field.getName().endsWith(unit[0])) {
                return value + unit[1];
            }
        }
        return String.valueOf(value);
    }

    private static String prefix(Class<?> type) {
        ConfigurationProperties properties = type.getAnnotation(ConfigurationProperties.class);
        if (properties != null) {
            return properties.value();
        }
        EachProperty each = type.getAnnotation(EachProperty.class);
        assertNotNull(each, type + " is neither @ConfigurationProperties nor @EachProperty");
        return each.value();
    }

    private static boolean hasGetter(Class<?> type, String constantKey) {
        String camel = kebab(constantKey).replace("-", "");
        return Stream.of(type.getMethods())
            .anyMatch(m -> m.getParameterCount() == 0
                && (m.getName().equalsIgnoreCase("get" + camel) || m.getName().equalsIgnoreCase("is" + camel)));
    }

    private static String kebab(String constantKey) {
        return constantKey.toLowerCase(Locale.ROOT).replace('_', '-');
    }

    private static List<Class<?>> configurationClasses() {
        List<Class<?>> out = new ArrayList<>();
        // Shared's main classes only: the directory (or jar) GatewayConfiguration was loaded from.
        URI mainClasses;
        try {
            mainClasses = GatewayConfiguration.class.getProtectionDomain().getCodeSource().getLocation().toURI();
        } catch (URISyntaxException e) {
            throw new AssertionError(e);
        }
        for (JavaClass javaClass : new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importLocations(Set.of(Location.of(mainClasses)))) {
            if (javaClass.isAnnotatedWith(ConfigurationProperties.class) || javaClass.isAnnotatedWith(EachProperty.class)) {
                out.add(javaClass.reflect());
            }
        }
        return out;
    }

    private static List<String> readReference() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.isRegularFile(dir.resolve(REFERENCE))) {
            dir = dir.getParent();
        }
        assertNotNull(dir, REFERENCE + " not found above " + Path.of("").toAbsolutePath());
        try {
            List<String> all = Files.readAllLines(dir.resolve(REFERENCE));
            assertFalse(all.isEmpty(), REFERENCE + " is empty");
            return all;
        } catch (IOException e) {
            throw new AssertionError("cannot read " + dir.resolve(REFERENCE), e);
        }
    }
}
