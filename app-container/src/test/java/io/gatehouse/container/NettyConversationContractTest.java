package io.gatehouse.container;

import io.gatehouse.contract.ConversationContractTest;
import io.gatehouse.contract.GatewayRuntime;

/**
 * {@link ConversationContractTest} on Netty, with the relay on its background thread. Netty streams
 * the history as {@code text/event-stream}: {@link SessionStreamsTest} proves it.
 */
class NettyConversationContractTest extends ConversationContractTest {

    @Override
    protected GatewayRuntime runtime() {
        return new NettyRuntime();
    }

    @Override
    protected boolean streams() {
        return true;
    }
}
