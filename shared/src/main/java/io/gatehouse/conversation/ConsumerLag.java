package io.gatehouse.conversation;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;

import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicLong;

/**
 * How far one of the gateway's Kafka consumers is behind its topic, as the gauge
 * {@code gatehouse_kafka_consumer_lag{consumer}}: the records between its position and the end of
 * the partitions this instance holds, as of its last poll with records (Kafka's own
 * {@link Consumer#currentLag}, read on the consumer's thread, no request to the brokers). A poll the
 * database refused counts its records as not consumed: the store group's lag grows through an
 * outage and falls back to 0 once it has caught up.
 */
final class ConsumerLag {

    /** The gauge's name. */
    static final String NAME = "gatehouse_kafka_consumer_lag";

    private final AtomicLong lag = new AtomicLong();

    /**
     * @param registry the meters
     * @param consumer which consumer: {@code reply_store}, {@code reply_fan_out}, {@code inbound_fan_out}
     */
    ConsumerLag(MeterRegistry registry, String consumer) {
        Gauge.builder(NAME, lag, AtomicLong::get)
            .description("Records of the session topics a consumer of this instance is behind, as of its last poll")
            .tag("consumer", consumer).register(registry);
    }

    /**
     * Reads the lag of the partitions the consumer holds. Called on the consumer's thread.
     *
     * @param consumer the consumer
     */
    void measure(Consumer<?, ?> consumer) {
        long total = 0;
        for (TopicPartition partition : consumer.assignment()) {
            OptionalLong behind = consumer.currentLag(partition);
            if (behind.isPresent()) {
                total += behind.getAsLong();
            }
        }
        lag.set(total);
    }
}
