package io.gatehouse.contract;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;

import java.util.HashMap;
import java.util.Map;

/**
 * The base of every contract suite: one gateway per test class, started on the runtime the
 * concrete class names, with the suite's properties.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class ContractTestBase {

    /** The {@code spec.name} under which the contract fixtures (echo endpoints) are active. */
    public static final String SPEC = "contract";

    /** The gateway under test. */
    protected GatewayTransport gateway;

    /**
     * @return the runtime to run this suite against
     */
    protected abstract GatewayRuntime runtime();

    /**
     * The suite's configuration; suites add to it.
     *
     * @return the properties for the gateway under test
     */
    protected Map<String, Object> properties() {
        Map<String, Object> properties = new HashMap<>();
        properties.put("spec.name", SPEC);
        return properties;
    }

    @BeforeAll
    void startGateway() {
        gateway = runtime().start(properties());
    }

    @AfterAll
    void stopGateway() {
        if (gateway != null) {
            gateway.close();
        }
    }

    /**
     * @param request the request
     * @return the gateway's response
     */
    protected ContractResponse send(ContractRequest request) {
        return gateway.send(request);
    }
}
