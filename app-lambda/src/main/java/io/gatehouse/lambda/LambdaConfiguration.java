package io.gatehouse.lambda;

import io.micronaut.context.annotation.ConfigurationProperties;

import java.util.List;

/**
 * Settings of the Lambda runtime, under {@code gateway.lambda.*}.
 */
@ConfigurationProperties(LambdaConfiguration.PREFIX)
public class LambdaConfiguration {

    /** The prefix of the Lambda settings. */
    public static final String PREFIX = "gateway.lambda";

    private List<String> basePaths = List.of();

    /**
     * Path prefixes to drop before routing, such as a custom domain's base path mapping
     * ({@code /gw}) when the API has no {@code {proxy+}} resource to tell it. Default: none.
     *
     * @return the base paths
     */
    public List<String> getBasePaths() {
        return basePaths;
    }

    /**
     * @param basePaths path prefixes to drop before routing
     */
    public void setBasePaths(List<String> basePaths) {
        this.basePaths = List.copyOf(basePaths);
    }
}
