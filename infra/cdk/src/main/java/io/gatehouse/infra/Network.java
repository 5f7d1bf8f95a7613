package io.gatehouse.infra;

import software.amazon.awscdk.services.ec2.SubnetSelection;
import software.amazon.awscdk.services.ec2.SubnetType;
import software.amazon.awscdk.services.ec2.Vpc;
import software.constructs.Construct;

/**
 * The network the gateway runs in: two availability zones, public subnets for the load balancer,
 * private ones (one NAT gateway) for the tasks, the functions and the stores.
 */
final class Network {

    /** The private subnets, whose way out is the NAT gateway: the functions' and the stores'. */
    static final SubnetSelection PRIVATE = SubnetSelection.builder().subnetType(SubnetType.PRIVATE_WITH_EGRESS).build();

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
