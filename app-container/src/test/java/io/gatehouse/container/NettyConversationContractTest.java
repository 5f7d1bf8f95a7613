package io.gatehouse.container;

import io.gatehouse.contract.ConversationContractTest;
import io.gatehouse.contract.GatewayRuntime;

/**
 * {@link ConversationContractTest} on Netty, with the relay on its background thread.
 */
class NettyConversationContractTest extends ConversationContractTest {

    @Override
    protected GatewayRuntime runtime() {
        return new NettyRuntime();
    }
}
