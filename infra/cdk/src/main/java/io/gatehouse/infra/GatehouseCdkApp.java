package io.gatehouse.infra;

import software.amazon.awscdk.App;
import software.amazon.awscdk.Environment;
import software.amazon.awscdk.StackProps;

import java.util.Set;

/**
 * The CDK app: {@value #LAMBDA} and {@value #CONTAINER}, deployable apart ({@code cdk deploy
 * GatehouseLambda}) or together ({@code cdk deploy --all}), configured by context flags
 * ({@link Flags}). A stack is only built when it is to be synthesized: {@code -c
 * gatehouse:stacks=lambda} or {@code =container} leaves the other out (so that, say, the Lambda
 * stack needs no image tarball).
 *
 * <p>With {@code gatehouse:createData}, {@value #DATA} creates the stores the flag names and the
 * network the other stacks then run in.
 */
public final class GatehouseCdkApp {

    /** The Lambda stack's name. */
    public static final String LAMBDA = "GatehouseLambda";

    /** The container stack's name. */
    public static final String CONTAINER = "GatehouseContainer";

    /** The data stack's name. */
    public static final String DATA = "GatehouseData";

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
        Set<String> stacks = flags.stacks();
        StoreSettings storeSettings = flags.stores();
        StackProps props = props(System.getenv("CDK_DEFAULT_REGION"));
        Stores stores = stores(app, DATA, props, storeSettings);
        if (stacks.contains("lambda")) {
            new LambdaStack(app, LAMBDA, props, flags.lambda(), stores);
        }
        if (stacks.contains("container")) {
            new ContainerStack(app, CONTAINER, props, flags.container(), stores);
        }
    }

    private static StackProps props(String region) {
        return StackProps.builder()
            .env(Environment.builder()
                .account(System.getenv("CDK_DEFAULT_ACCOUNT"))
                .region(region)
                .build())
            .build();
    }

    /** The stores a data stack creates, or those the flags reference when none is to be created. */
    private static Stores stores(App app, String id, StackProps props, StoreSettings settings) {
        return settings.create().isEmpty()
            ? Stores.referenced(settings)
            : new DataStack(app, id, props, settings).stores();
    }
}
