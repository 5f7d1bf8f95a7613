package io.gatehouse.conversation;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.common.TopicPartition;

import java.util.Collection;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A consumer of the fan-out to streams ({@link ReplyFanOut}, {@link InboundFanOut}): counts the
 * partitions it holds as {@code gatehouse_stream_fan_out_partitions{topic}}, 0 while it joins its
 * group or when Kafka is gone. micronaut-kafka hands a {@code @KafkaListener} bean that is a
 * {@link ConsumerRebalanceListener} its consumer's assignments.
 */
abstract class FanOutConsumer implements ConsumerRebalanceListener {

    /** The gauge of the partitions a fan-out consumer holds, tagged with its topic. */
    static final String PARTITIONS = "gatehouse_stream_fan_out_partitions";

    private final AtomicInteger partitions = new AtomicInteger();

    /**
     * @param registry the meters
     * @param topic    which topic, {@code outbound} or {@code inbound}
     */
    FanOutConsumer(MeterRegistry registry, String topic) {
        Gauge.builder(PARTITIONS, partitions, AtomicInteger::get)
            .description("Partitions of a session topic this instance's fan-out consumer holds").tag("topic", topic).register(registry);
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> assigned) {
        partitions.addAndGet(assigned.size());
    }

    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> revoked) {
        partitions.addAndGet(-revoked.size());
    }
}
