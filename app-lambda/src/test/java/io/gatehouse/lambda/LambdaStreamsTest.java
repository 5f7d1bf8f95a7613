package io.gatehouse.lambda;

import io.gatehouse.testing.TestServices;
import io.micronaut.context.ApplicationContext;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * A Lambda instance is frozen between invocations and its responses are buffered, so even with
 * Kafka configured its context has no fan-out consumers (of the agents' replies, of the callers'
 * events) and no session streams ({@code gateway.conversations.fan-out.enabled} and
 * {@code gateway.conversations.stream.enabled} are {@code false} in application-lambda.yml); the
 * conversation contract proves {@code text/event-stream} is 406 there.
 */
class LambdaStreamsTest {

    @Test
    void lambdaContextWithKafka_thenNoFanOutConsumerAndNoStreams() {
        try (ApplicationContext context = LambdaRuntimes.lambdaContext(Map.of("kafka.bootstrap.servers", TestServices.kafkaBootstrap()))
            .start()) {
            for (String bean : new String[] {"io.gatehouse.conversation.ReplyFanOut", "io.gatehouse.conversation.InboundFanOut",
                "io.gatehouse.conversation.SessionStreams"}) {
                assertFalse(context.getAllBeanDefinitions().stream().anyMatch(d -> d.getBeanType().getName().equals(bean)),
                    bean + " is not a bean on Lambda");
            }
        }
    }
}
