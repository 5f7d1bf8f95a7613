package io.gatehouse.infra;

import software.amazon.awscdk.App;
import software.amazon.awscdk.Environment;
import software.amazon.awscdk.StackProps;

/**
 * The CDK app: {@value #LAMBDA} and {@value #CONTAINER}, deployable apart ({@code cdk deploy
 * GatehouseLambda}) or together ({@code cdk deploy --all}), configured by context flags
 * ({@link Flags}). A stack is only built when it is to be synthesized: {@code -c
 * gatehouse:stacks=lambda} or {@code =container} leaves the other out (so that, say, the Lambda
 * stack needs no image tarball).
 */
public final class GatehouseCdkApp {

    /** The Lambda stack's name. */
    public static final String LAMBDA = "GatehouseLambda";

    /** The container stack's name. */
    public static final String CONTAINER = "GatehouseContainer";

    private GatehouseCdkApp() {
    }

    /**
     * @param args ignored: the CDK CLI passes everything through the context
     */
    public static void main(String[] args) {
        App app = new App();
        build(app);
        app.synth();
    }

    /**
     * Adds the stacks the context asks for.
     *
     * @param app the app
     */
    static void build(App app) {
        Flags flags = new Flags(app.getNode());
        Object chosen = app.getNode().tryGetContext("gatehouse:stacks");
        String stacks = chosen == null ? "lambda,container" : chosen.toString();
        StackProps props = StackProps.builder()
            .env(Environment.builder()
                .account(System.getenv("CDK_DEFAULT_ACCOUNT"))
                .region(System.getenv("CDK_DEFAULT_REGION"))
                .build())
            .build();
        if (stacks.contains("lambda")) {
            new LambdaStack(app, LAMBDA, props, flags.lambda());
        }
        if (stacks.contains("container")) {
            new ContainerStack(app, CONTAINER, props, flags.container());
        }
    }
}
