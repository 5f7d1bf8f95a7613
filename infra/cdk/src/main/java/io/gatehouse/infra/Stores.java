package io.gatehouse.infra;

import software.amazon.awscdk.services.ec2.ISecurityGroup;
import software.amazon.awscdk.services.ec2.IVpc;
import software.amazon.awscdk.services.secretsmanager.ISecret;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the gateway's tasks and functions are given to reach their stores, whether {@link DataStack}
 * created them or flags reference them: the addresses as environment variables, the credentials as
 * fields of Secrets Manager secrets (never a value in a template), and the network the stores live in.
 *
 * @param vpc           the stores' network, or {@code null} when none was created (the container stack makes
 *                      its own, the functions run outside any VPC)
 * @param securityGroup the gateway's security group, the only one the created stores admit, or {@code null}
 * @param environment   environment variables with addresses: never a credential
 * @param secrets       environment variables read from Secrets Manager, by variable name
 */
public record Stores(IVpc vpc, ISecurityGroup securityGroup, Map<String, String> environment,
                     Map<String, SecretField> secrets) {

    /** PostgreSQL's JDBC URL ({@code datasources.default.url}). */
    public static final String DATABASE_URL = "DATASOURCES_DEFAULT_URL";

    /** PostgreSQL's user ({@code datasources.default.username}). */
    public static final String DATABASE_USERNAME = "DATASOURCES_DEFAULT_USERNAME";

    /** PostgreSQL's password ({@code datasources.default.password}). */
    public static final String DATABASE_PASSWORD = "DATASOURCES_DEFAULT_PASSWORD";

    /** Redis ({@code redis.uri}). */
    public static final String REDIS_URI = "REDIS_URI";

    /** The created Redis's AUTH token, which {@link #REDIS_URI} names as the placeholder {@code ${GATEHOUSE_REDIS_TOKEN}}. */
    public static final String REDIS_TOKEN = "GATEHOUSE_REDIS_TOKEN";

    /** Kafka's bootstrap servers ({@code kafka.bootstrap.servers}). */
    public static final String KAFKA_BOOTSTRAP = "KAFKA_BOOTSTRAP_SERVERS";

    /** Kafka's {@code security.protocol} ({@code kafka.security.protocol}). */
    public static final String KAFKA_SECURITY_PROTOCOL = "KAFKA_SECURITY_PROTOCOL";

    /**
     * One field of a JSON secret in Secrets Manager.
     *
     * @param secret the secret
     * @param field  the field's key
     */
    public record SecretField(ISecret secret, String field) {
    }

    /** Copies the maps. */
    public Stores {
        environment = Map.copyOf(environment);
        secrets = Map.copyOf(secrets);
    }

    /**
     * @param settings the flags
     * @return the stores the flags reference, in no VPC of this app
     */
    public static Stores referenced(StoreSettings settings) {
        return new Stores(null, null, referencedEnvironment(settings), Map.of());
    }

    /**
     * @param settings the flags
     * @return the environment variables of the stores the flags reference
     */
    static Map<String, String> referencedEnvironment(StoreSettings settings) {
        Map<String, String> environment = new LinkedHashMap<>();
        if (settings.databaseUrl() != null) {
            environment.put(DATABASE_URL, settings.databaseUrl());
        }
        if (settings.redisUri() != null) {
            environment.put(REDIS_URI, settings.redisUri());
        }
        if (settings.kafkaBootstrap() != null) {
            environment.put(KAFKA_BOOTSTRAP, settings.kafkaBootstrap());
        }
        return environment;
    }

    /**
     * The gateway's own secrets (the keys {@code admin-token}, {@code jwt-secret}, {@code session-secret}
     * and {@code database-password} of {@code gatehouse:secretName}), then the stores' credentials, which
     * win: a created database's password is the one its generated secret holds.
     *
     * @param gatewaySecret the gateway's secret, or {@code null}
     * @return every environment variable read from Secrets Manager, by name
     */
    public Map<String, SecretField> secretsWith(ISecret gatewaySecret) {
        Map<String, SecretField> all = new LinkedHashMap<>();
        if (gatewaySecret != null) {
            all.put("GATEWAY_ADMIN_TOKEN", new SecretField(gatewaySecret, "admin-token"));
            all.put("GATEWAY_JWT_SECRET", new SecretField(gatewaySecret, "jwt-secret"));
            all.put("GATEWAY_SESSION_SECRET", new SecretField(gatewaySecret, "session-secret"));
            all.put(DATABASE_PASSWORD, new SecretField(gatewaySecret, "database-password"));
        }
        all.putAll(secrets);
        return all;
    }
}
