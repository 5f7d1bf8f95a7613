package io.gatehouse.infra;

import io.gatehouse.infra.StoreSettings.Store;
import software.constructs.Node;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The context flags of the CDK app ({@code cdk deploy -c gatehouse:memory=2048 ...}, or
 * {@code cdk.json}), read into {@link LambdaSettings}, {@link ContainerSettings},
 * {@link StoreSettings} and {@link GlobalSettings}. The list, with defaults, is in
 * docs/deployment.md#aws-cdk. Every flag is checked by name: a {@code gatehouse:} flag the app does
 * not read, a value of the wrong shape, or a flag whose feature is off is refused with its name,
 * never ignored.
 */
final class Flags {

    /** The prefix of the app's flags; the CDK's own context ({@code aws:cdk:...}, {@code @aws-cdk/...}) is left alone. */
    static final String PREFIX = "gatehouse:";

    /** Every flag the app reads. */
    static final Set<String> KNOWN = Set.of(
        "gatehouse:stacks", "gatehouse:secretName",
        "gatehouse:databaseUrl", "gatehouse:redisUri", "gatehouse:kafkaBootstrap",
        "gatehouse:createData", "gatehouse:databaseMaxCapacity", "gatehouse:redisNodeType", "gatehouse:kafkaInstanceType",
        "gatehouse:regions", "gatehouse:hostedZoneId", "gatehouse:hostedZoneName", "gatehouse:globalDomain",
        "gatehouse:cacheablePaths", "gatehouse:cacheKeyHeaders", "gatehouse:apiKeyHeader",
        "gatehouse:lambdaJar", "gatehouse:architecture", "gatehouse:memory", "gatehouse:snapStart",
        "gatehouse:reservedConcurrency", "gatehouse:provisionedConcurrency", "gatehouse:restApi", "gatehouse:domainName",
        "gatehouse:certificateArn", "gatehouse:basePath", "gatehouse:logRetentionDays", "gatehouse:routeFile",
        "gatehouse:relayMinutes",
        "gatehouse:image", "gatehouse:imageTar", "gatehouse:cpu", "gatehouse:memoryMiB", "gatehouse:desiredCount",
        "gatehouse:maxCount", "gatehouse:gracePeriod", "gatehouse:idleTimeout", "gatehouse:requestsPerTarget");

    /** The stacks {@code gatehouse:stacks} may name. */
    static final Set<String> STACKS = Set.of("lambda", "container");

    private static final List<String> GLOBAL_FLAGS = List.of("gatehouse:hostedZoneId", "gatehouse:hostedZoneName",
        "gatehouse:globalDomain", "gatehouse:cacheablePaths", "gatehouse:cacheKeyHeaders", "gatehouse:apiKeyHeader");

    private final Node node;

    /**
     * @param node the app's node, whose context holds the flags
     * @throws IllegalArgumentException naming every {@code gatehouse:} flag the app does not read
     */
    Flags(Node node) {
        this.node = node;
        if (node.getAllContext() instanceof Map<?, ?> context) {
            List<String> unknown = context.keySet().stream().map(Object::toString)
                .filter(key -> key.startsWith(PREFIX) && !KNOWN.contains(key))
                .sorted()
                .toList();
            if (!unknown.isEmpty()) {
                throw new IllegalArgumentException("unknown context flag" + (unknown.size() > 1 ? "s " : " ")
                    + String.join(", ", unknown) + ": the flags are listed in docs/deployment.md#aws-cdk");
            }
        }
    }

    /**
     * @return the stacks to build: {@code lambda} and {@code container} in one region, {@code container} beyond one
     */
    Set<String> stacks() {
        boolean global = present("gatehouse:regions");
        Set<String> stacks = choice("gatehouse:stacks", STACKS, global ? List.of("container") : List.of("lambda", "container"));
        if (global && stacks.contains("lambda")) {
            throw new IllegalArgumentException("gatehouse:stacks: lambda is one region's; with gatehouse:regions only "
                + "container is deployed per region: use gatehouse:stacks=container");
        }
        return stacks;
    }

    LambdaSettings lambda() {
        String architecture = text("gatehouse:architecture", "arm64");
        if (!architecture.equals("arm64") && !architecture.equals("x86_64")) {
            throw new IllegalArgumentException("gatehouse:architecture must be arm64 or x86_64, not " + architecture);
        }
        return new LambdaSettings(
            text("gatehouse:lambdaJar", "../../app-lambda/target/gatehouse-lambda.jar"),
            architecture.equals("arm64"),
            number("gatehouse:memory", 1024),
            bool("gatehouse:snapStart", true),
            optionalNumber("gatehouse:reservedConcurrency"),
            optionalNumber("gatehouse:provisionedConcurrency"),
            bool("gatehouse:restApi", false),
            text("gatehouse:domainName", null),
            text("gatehouse:certificateArn", null),
            text("gatehouse:basePath", null),
            number("gatehouse:logRetentionDays", 30),
            text("gatehouse:routeFile", null),
            text("gatehouse:secretName", null),
            number("gatehouse:relayMinutes", 1));
    }

    ContainerSettings container() {
        return new ContainerSettings(
            text("gatehouse:image", null),
            text("gatehouse:imageTar", "../../app-container/target/gatehouse-image.tar"),
            number("gatehouse:cpu", 1024),
            number("gatehouse:memoryMiB", 2048),
            number("gatehouse:desiredCount", 2),
            number("gatehouse:maxCount", 10),
            number("gatehouse:gracePeriod", 30),
            number("gatehouse:idleTimeout", 3600),
            number("gatehouse:requestsPerTarget", 6000),
            text("gatehouse:secretName", null));
    }

    StoreSettings stores() {
        Set<Store> create = EnumSet.noneOf(Store.class);
        Set<String> names = Arrays.stream(Store.values()).map(Store::flagValue).collect(Collectors.toSet());
        for (String name : choice("gatehouse:createData", names, List.of())) {
            create.add(Store.valueOf(name.toUpperCase(java.util.Locale.ROOT)));
        }
        requires("gatehouse:databaseMaxCapacity", create.contains(Store.POSTGRES), "add postgres to gatehouse:createData");
        requires("gatehouse:redisNodeType", create.contains(Store.REDIS), "add redis to gatehouse:createData");
        requires("gatehouse:kafkaInstanceType", create.contains(Store.KAFKA), "add kafka to gatehouse:createData");
        return new StoreSettings(
            text("gatehouse:databaseUrl", null),
            text("gatehouse:redisUri", null),
            text("gatehouse:kafkaBootstrap", null),
            create,
            number("gatehouse:databaseMaxCapacity", StoreSettings.DEFAULT_DATABASE_MAX_CAPACITY),
            text("gatehouse:redisNodeType", StoreSettings.DEFAULT_REDIS_NODE_TYPE),
            text("gatehouse:kafkaInstanceType", StoreSettings.DEFAULT_KAFKA_INSTANCE_TYPE));
    }

    /**
     * @return the deployment beyond one region, or {@code null} without {@code gatehouse:regions}
     */
    GlobalSettings global() {
        if (!present("gatehouse:regions")) {
            for (String flag : GLOBAL_FLAGS) {
                requires(flag, false, "set gatehouse:regions");
            }
            return null;
        }
        return new GlobalSettings(
            list("gatehouse:regions", List.of()),
            text("gatehouse:hostedZoneId", null),
            text("gatehouse:hostedZoneName", null),
            text("gatehouse:globalDomain", null),
            list("gatehouse:cacheablePaths", List.of()),
            list("gatehouse:cacheKeyHeaders", GlobalSettings.DEFAULT_CACHE_KEY_HEADERS),
            text("gatehouse:apiKeyHeader", GlobalSettings.DEFAULT_API_KEY_HEADER));
    }

    private boolean present(String key) {
        Object value = node.tryGetContext(key);
        return value != null && !value.toString().isBlank();
    }

    /** A flag that only means something when its feature is on is refused when it is off. */
    private void requires(String key, boolean on, String howToTurnOn) {
        if (!on && present(key)) {
            throw new IllegalArgumentException(key + " has no effect here: " + howToTurnOn + ", or leave it unset");
        }
    }

    private String text(String key, String fallback) {
        Object value = node.tryGetContext(key);
        if (value instanceof List<?>) {
            throw new IllegalArgumentException(key + " takes one value, not a list: " + value);
        }
        return value == null || value.toString().isBlank() ? fallback : value.toString().trim();
    }

    /** A list: a JSON array in cdk.json, or comma-separated on the command line; each entry once. */
    private List<String> list(String key, List<String> fallback) {
        Object value = node.tryGetContext(key);
        if (value == null || value.toString().isBlank()) {
            return fallback;
        }
        List<String> entries = new ArrayList<>();
        if (value instanceof List<?> items) {
            items.forEach(item -> entries.add(String.valueOf(item).trim()));
        } else {
            Arrays.stream(value.toString().split(",", -1)).map(String::trim).forEach(entries::add);
        }
        Set<String> seen = new LinkedHashSet<>();
        for (String entry : entries) {
            if (entry.isEmpty()) {
                throw new IllegalArgumentException(key + " has an empty entry: " + value);
            }
            if (!seen.add(entry)) {
                throw new IllegalArgumentException(key + " names '" + entry + "' twice");
            }
        }
        return List.copyOf(entries);
    }

    /** A list whose entries come from {@code allowed}. */
    private Set<String> choice(String key, Set<String> allowed, List<String> fallback) {
        Set<String> chosen = new LinkedHashSet<>(list(key, fallback));
        for (String entry : chosen) {
            if (!allowed.contains(entry)) {
                throw new IllegalArgumentException(key + ": '" + entry + "' is not one of " + allowed.stream().sorted().toList());
            }
        }
        return chosen;
    }

    private boolean bool(String key, boolean fallback) {
        String value = text(key, null);
        if (value == null) {
            return fallback;
        }
        if (!value.equals("true") && !value.equals("false")) {
            throw new IllegalArgumentException(key + " must be true or false, not " + value);
        }
        return Boolean.parseBoolean(value);
    }

    private int number(String key, int fallback) {
        Integer value = optionalNumber(key);
        return value == null ? fallback : value;
    }

    /** A whole number: {@code 1024} or {@code 1024.0} (how a JSON number may arrive), never {@code 1.5} or {@code 1k}. */
    private Integer optionalNumber(String key) {
        String value = text(key, null);
        if (value == null) {
            return null;
        }
        try {
            return new BigDecimal(value).intValueExact();
        } catch (NumberFormatException | ArithmeticException e) {
            throw new IllegalArgumentException(key + " must be a whole number, not " + value, e);
        }
    }
}
