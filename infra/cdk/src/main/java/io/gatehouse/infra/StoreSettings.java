package io.gatehouse.infra;

import java.util.EnumSet;
import java.util.Set;

/**
 * Where the gateway's stores come from, typed: each of PostgreSQL, Redis and Kafka is either
 * referenced by its address ({@code gatehouse:databaseUrl}, {@code gatehouse:redisUri},
 * {@code gatehouse:kafkaBootstrap}), created by {@link DataStack} ({@code gatehouse:createData}), or
 * absent (the embedded default). Every field has a context flag ({@link Flags}).
 *
 * @param databaseUrl         PostgreSQL's JDBC URL, or {@code null}
 * @param redisUri            Redis, or {@code null}
 * @param kafkaBootstrap      Kafka's bootstrap servers, or {@code null}
 * @param create              the stores {@link DataStack} creates; none: no data stack
 * @param databaseMaxCapacity the created Aurora cluster's largest size, in Aurora capacity units (ACU)
 * @param redisNodeType       the created Redis's node type
 * @param kafkaInstanceType   the created Kafka's broker type
 */
public record StoreSettings(String databaseUrl, String redisUri, String kafkaBootstrap, Set<Store> create,
                            int databaseMaxCapacity, String redisNodeType, String kafkaInstanceType) {

    /** A store {@link DataStack} can create, named as in {@code gatehouse:createData}. */
    public enum Store {
        /** Aurora PostgreSQL. */
        POSTGRES("gatehouse:databaseUrl"),
        /** ElastiCache for Redis. */
        REDIS("gatehouse:redisUri"),
        /** Amazon MSK. */
        KAFKA("gatehouse:kafkaBootstrap");

        private final String referenceFlag;

        Store(String referenceFlag) {
            this.referenceFlag = referenceFlag;
        }

        /** @return the store's name in {@code gatehouse:createData} */
        public String flagValue() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** The default largest size of the created Aurora cluster, in ACU. */
    public static final int DEFAULT_DATABASE_MAX_CAPACITY = 4;

    /** The default node type of the created Redis. */
    public static final String DEFAULT_REDIS_NODE_TYPE = "cache.t4g.small";

    /** The default broker type of the created Kafka. */
    public static final String DEFAULT_KAFKA_INSTANCE_TYPE = "kafka.t3.small";

    /** Checks what can be checked before synthesis. */
    public StoreSettings {
        create = create.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(create));
        for (Store store : create) {
            String reference = switch (store) {
                case POSTGRES -> databaseUrl;
                case REDIS -> redisUri;
                case KAFKA -> kafkaBootstrap;
            };
            if (reference != null) {
                throw new IllegalArgumentException("gatehouse:createData creates " + store.flagValue() + ", and "
                    + store.referenceFlag + " references one: set one of the two");
            }
        }
        if (databaseMaxCapacity < 1 || databaseMaxCapacity > 256) {
            throw new IllegalArgumentException("gatehouse:databaseMaxCapacity must be 1 to 256 ACU, not " + databaseMaxCapacity);
        }
        if (!redisNodeType.startsWith("cache.")) {
            throw new IllegalArgumentException("gatehouse:redisNodeType must be an ElastiCache node type (cache.*), not " + redisNodeType);
        }
        if (!kafkaInstanceType.startsWith("kafka.")) {
            throw new IllegalArgumentException("gatehouse:kafkaInstanceType must be an MSK broker type (kafka.*), not " + kafkaInstanceType);
        }
    }

    /**
     * @param store a store
     * @return whether {@link DataStack} creates it
     */
    public boolean creates(Store store) {
        return create.contains(store);
    }
}
