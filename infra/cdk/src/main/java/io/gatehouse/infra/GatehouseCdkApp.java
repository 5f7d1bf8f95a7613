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
 * network the other stacks then run in. With {@code gatehouse:regions}, the container stack (and
 * the data stack) is built once per region, {@code GatehouseContainer-eu-west-1} and so on, and
 * {@value #EDGE} puts CloudFront in front of them all.
 */
public final class GatehouseCdkApp {

    /** The Lambda stack's name. */
    public static final String LAMBDA = "GatehouseLambda";

    /** The container stack's name; beyond one region, followed by {@code -<region>}. */
    public static final String CONTAINER = "GatehouseContainer";

    /** The data stack's name; beyond one region, followed by {@code -<region>}. */
    public static final String DATA = "GatehouseData";

    /** The CloudFront stack's name. */
    public static final String EDGE = "GatehouseEdge";

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
        // Every flag is read, and so checked, before anything is built, the flags of a stack left out included.
        StoreSettings storeSettings = flags.stores();
        GlobalSettings global = flags.global();
        LambdaSettings lambda = flags.lambda();
        ContainerSettings container = flags.container();
        if (global == null) {
            StackProps props = props(System.getenv("CDK_DEFAULT_REGION"));
            Stores stores = stores(app, DATA, props, storeSettings);
            if (stacks.contains("lambda")) {
                new LambdaStack(app, LAMBDA, props, lambda, stores);
            }
            if (stacks.contains("container")) {
                new ContainerStack(app, CONTAINER, props, container, stores, null);
            }
            return;
        }
        for (String region : global.regions()) {
            StackProps props = props(region);
            Stores stores = stores(app, DATA + "-" + region, props, storeSettings);
            new ContainerStack(app, CONTAINER + "-" + region, props, container, stores, global);
        }
        new EdgeStack(app, EDGE, props(GlobalSettings.EDGE_REGION), global);
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
