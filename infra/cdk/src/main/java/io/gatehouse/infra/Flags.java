package io.gatehouse.infra;

import software.constructs.Node;

/**
 * The context flags of the CDK app ({@code cdk deploy -c gatehouse:memory=2048 ...}, or
 * {@code cdk.json}), read into {@link LambdaSettings} and {@link ContainerSettings}. The list, with
 * defaults, is in docs/deployment.md#aws-cdk.
 */
final class Flags {

    private final Node node;

    Flags(Node node) {
        this.node = node;
    }

    LambdaSettings lambda() {
        return new LambdaSettings(
            text("gatehouse:lambdaJar", "../../app-lambda/target/gatehouse-lambda.jar"),
            !"x86_64".equals(text("gatehouse:architecture", "arm64")),
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
            text("gatehouse:databaseUrl", null),
            text("gatehouse:redisUri", null),
            text("gatehouse:kafkaBootstrap", null),
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
            text("gatehouse:secretName", null),
            text("gatehouse:databaseUrl", null),
            text("gatehouse:redisUri", null),
            text("gatehouse:kafkaBootstrap", null));
    }

    private String text(String key, String fallback) {
        Object value = node.tryGetContext(key);
        return value == null || value.toString().isBlank() ? fallback : value.toString();
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

    private Integer optionalNumber(String key) {
        String value = text(key, null);
        if (value == null) {
            return null;
        }
        try {
            return (int) Double.parseDouble(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be a number, not " + value, e);
        }
    }
}
