package io.gatehouse.contract;

/**
 * How a contract test reaches a running gateway: real HTTP to Netty, or API Gateway events into a
 * Lambda handler. Closing it stops the gateway.
 */
public interface GatewayTransport extends AutoCloseable {

    /**
     * @param request the request as the client sends it
     * @return the response as the client receives it
     */
    ContractResponse send(ContractRequest request);

    @Override
    void close();
}
