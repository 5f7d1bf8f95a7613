package io.gatehouse.container;

import io.gatehouse.contract.FeedbackContractTest;
import io.gatehouse.contract.GatewayRuntime;

/**
 * {@link FeedbackContractTest} on Netty.
 */
class NettyFeedbackContractTest extends FeedbackContractTest {

    @Override
    protected GatewayRuntime runtime() {
        return new NettyRuntime();
    }
}
