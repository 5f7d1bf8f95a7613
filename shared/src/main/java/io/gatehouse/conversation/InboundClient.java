package io.gatehouse.conversation;

import io.micronaut.configuration.kafka.annotation.KafkaClient;
import io.micronaut.configuration.kafka.annotation.KafkaKey;
import io.micronaut.configuration.kafka.annotation.Topic;
import io.micronaut.context.annotation.Property;
import io.micronaut.context.annotation.Requires;
import io.micronaut.messaging.annotation.MessageBody;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.Headers;

import java.util.concurrent.CompletableFuture;

/**
 * The relay's Kafka producer: idempotent, {@code acks=all}, and quick to fail when the brokers are
 * gone (the row stays in the outbox and is tried again), rather than blocking the relay for the
 * client's default minute.
 */
@KafkaClient(id = "gatehouse-outbox", acks = KafkaClient.Acknowledge.ALL, properties = {
    @Property(name = ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, value = "true"),
    @Property(name = ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, value = "5"),
    @Property(name = ProducerConfig.MAX_BLOCK_MS_CONFIG, value = "5000"),
    @Property(name = ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, value = "5000"),
    @Property(name = ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, value = "10000"),
    @Property(name = ProducerConfig.LINGER_MS_CONFIG, value = "2")
})
@Requires(property = "kafka.bootstrap.servers")
interface InboundClient {

    /**
     * @param topic   the topic
     * @param key     the session id
     * @param value   the event, JSON
     * @param headers the record's headers
     * @return the record's metadata once acknowledged
     */
    CompletableFuture<RecordMetadata> send(@Topic String topic, @KafkaKey String key, @MessageBody String value, Headers headers);
}
