package io.gatehouse.infra;

import software.amazon.awscdk.services.ec2.Vpc;
import software.constructs.Construct;

/**
 * The network the gateway runs in: two availability zones, public subnets for the load balancer,
 * private ones (one NAT gateway) for the tasks, the functions and the stores.
 */
final class Network {

    private Network() {
    }

    /**
     * @param scope the stack that owns the network
     * @return a new VPC, {@code Vpc}
     */
    static Vpc vpc(Construct scope) {
        return Vpc.Builder.create(scope, "Vpc").maxAzs(2).natGateways(1).build();
    }
}
