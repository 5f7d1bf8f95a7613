package io.gatehouse.lambda;

import io.gatehouse.conversation.ConversationStore;
import io.gatehouse.conversation.OutboxRelay;
import io.micronaut.context.ApplicationContext;
import io.micronaut.function.aws.MicronautRequestHandler;
import io.micronaut.serde.annotation.Serdeable;

import java.util.Map;

/**
 * The session outbox relay as a scheduled Lambda function:
 * {@code io.gatehouse.lambda.OutboxRelayHandler::handleRequest}, invoked by an EventBridge schedule
 * (every minute in the CDK stack). A Lambda instance runs no thread between invocations, so the
 * intake publishes its own row right after its commit; whatever that could not publish (Kafka down,
 * the function timed out, the sandbox was frozen or killed) stays in the outbox, and this function
 * publishes it, at least once, as the container's background relay does. The event's content is
 * not read.
 *
 * <p>It answers {@code {"published": n, "remaining": m}}; with rows remaining after a pass whose
 * publish failed it fails the invocation, so the function's Errors metric shows a broker outage.
 */
public class OutboxRelayHandler extends MicronautRequestHandler<Map<String, Object>, OutboxRelayHandler.Result> {

    /**
     * What one invocation did.
     *
     * @param published rows published and acknowledged
     * @param remaining rows still unpublished afterwards
     */
    @Serdeable
    public record Result(int published, long remaining) {
    }

    /** Used by the Lambda runtime: starts the application context. */
    public OutboxRelayHandler() {
        super();
    }

    /**
     * @param context an application context built for Lambda
     */
    public OutboxRelayHandler(ApplicationContext context) {
        super(context);
    }

    @Override
    public Result execute(Map<String, Object> event) {
        OutboxRelay relay = getApplicationContext().getBean(OutboxRelay.class);
        ConversationStore store = getApplicationContext().getBean(ConversationStore.class);
        int published = relay.drain();
        ConversationStore.Backlog backlog = store.backlog();
        if (backlog.rows() > 0 && relay.lastPassFailed()) {
            throw new IllegalStateException("The outbox relay could not publish " + backlog.rows() + " rows (the oldest "
                + backlog.oldestAgeMs() / 1000 + " s old); they stay in the outbox for the next run");
        }
        return new Result(published, backlog.rows());
    }
}
