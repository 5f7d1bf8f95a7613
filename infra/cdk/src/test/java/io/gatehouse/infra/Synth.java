package io.gatehouse.infra;

import software.amazon.awscdk.App;
import software.amazon.awscdk.AppProps;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.assertions.Template;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What the stack tests share: a context that synthesizes (an empty jar for the functions, an image
 * in a registry, the gateway's secret by name), the app built from it as {@code cdk synth} builds
 * it, and readers of a synthesized template.
 */
final class Synth {

    /** The gateway's secret in the tests. */
    static final String SECRET_NAME = "gatehouse/test-secrets";

    private Synth() {
    }

    /**
     * @return a mutable context with what every synthesis needs
     */
    static Map<String, Object> context() throws Exception {
        Path jar = Files.createTempFile("gatehouse-lambda", ".jar");
        Files.write(jar, new byte[] {'P', 'K', 5, 6, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0});
        Map<String, Object> context = new HashMap<>();
        context.put("gatehouse:lambdaJar", jar.toString());
        context.put("gatehouse:image", "123456789012.dkr.ecr.eu-west-1.amazonaws.com/gatehouse:0.1.0");
        context.put("gatehouse:secretName", SECRET_NAME);
        return context;
    }

    /**
     * @param context the flags
     * @return the app with the stacks the flags ask for
     */
    static App app(Map<String, Object> context) {
        App app = new App(AppProps.builder().context(context).build());
        GatehouseCdkApp.build(app);
        return app;
    }

    /**
     * @param app   a built app
     * @param stack a stack's name
     * @return that stack, synthesized
     */
    static Template template(App app, String stack) {
        return Template.fromStack((Stack) app.getNode().findChild(stack));
    }

    /**
     * @param list  {@code Environment} or {@code Secrets}
     * @param value {@code Value} or {@code ValueFrom}
     * @return the ECS container's variables of that list, each value as text
     */
    @SuppressWarnings("unchecked")
    static Map<String, String> containerVariables(Template template, String list, String value) {
        Map<String, String> variables = new HashMap<>();
        for (Map<String, Object> task : template.findResources("AWS::ECS::TaskDefinition").values()) {
            Map<String, Object> properties = (Map<String, Object>) task.get("Properties");
            for (Object definition : (List<Object>) properties.get("ContainerDefinitions")) {
                for (Object variable : (List<Object>) ((Map<String, Object>) definition).getOrDefault(list, List.of())) {
                    Map<String, Object> entry = (Map<String, Object>) variable;
                    variables.put((String) entry.get("Name"), String.valueOf(entry.get(value)));
                }
            }
        }
        return variables;
    }
}
