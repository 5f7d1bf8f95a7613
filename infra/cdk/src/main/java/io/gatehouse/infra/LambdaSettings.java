package io.gatehouse.infra;

import java.util.Objects;

/**
 * What {@link LambdaStack} deploys, typed. Every field has a context flag ({@link Flags}).
 *
 * @param codePath               the app-lambda jar ({@code app-lambda/target/gatehouse-lambda.jar})
 * @param arm64                  Graviton (arm64, the default) rather than x86_64
 * @param memoryMb               the functions' memory, which also sets their CPU share
 * @param snapStart              SnapStart on published versions (the functions are called through an alias)
 * @param reservedConcurrency    the most instances at once, or {@code null} for the account's pool
 * @param provisionedConcurrency instances kept initialised on the alias, or {@code null} for none
 * @param restApi                also a REST API (payload 1.0, {@code RestApiHandler}) beside the HTTP API
 * @param domainName             the REST API's custom domain, or {@code null}
 * @param certificateArn         the ACM certificate of that domain (in the stack's region)
 * @param basePath               the base path mapped on that domain, or {@code null} for the root
 * @param logRetentionDays       how long CloudWatch keeps the functions' logs
 * @param routeFile              a route file to ship in a layer at {@code /opt/gatehouse.yml}, or {@code null}
 * @param secretName             the Secrets Manager secret holding {@code admin-token}, {@code jwt-secret},
 *                               {@code session-secret} and {@code database-password}, or {@code null}
 * @param relayMinutes           how often the relay function runs, in minutes: with Kafka (and a database,
 *                               {@link Stores}), the functions publish accepted session messages to Kafka and a
 *                               scheduled relay function ({@code OutboxRelayHandler}) publishes what they could not
 */
public record LambdaSettings(String codePath, boolean arm64, int memoryMb, boolean snapStart, Integer reservedConcurrency,
                             Integer provisionedConcurrency, boolean restApi, String domainName, String certificateArn,
                             String basePath, int logRetentionDays, String routeFile, String secretName,
                             int relayMinutes) {

    /** The handler of the HTTP API (payload format 2.0). */
    public static final String HTTP_API_HANDLER = "io.gatehouse.lambda.HttpApiHandler::handleRequest";

    /** The handler of the REST API (payload format 1.0). */
    public static final String REST_API_HANDLER = "io.gatehouse.lambda.RestApiHandler::handleRequest";

    /** The handler of the scheduled outbox relay. */
    public static final String RELAY_HANDLER = "io.gatehouse.lambda.OutboxRelayHandler::handleRequest";

    /** Checks what can be checked before synthesis. */
    public LambdaSettings {
        Objects.requireNonNull(codePath, "codePath");
        if (memoryMb < 128 || memoryMb > 10240) {
            throw new IllegalArgumentException("gatehouse:memory must be 128 to 10240 MB, not " + memoryMb);
        }
        if (domainName != null && certificateArn == null) {
            throw new IllegalArgumentException("gatehouse:domainName needs gatehouse:certificateArn");
        }
        if (relayMinutes < 1 || relayMinutes > 60) {
            throw new IllegalArgumentException("gatehouse:relayMinutes must be 1 to 60, not " + relayMinutes);
        }
        if (domainName != null && !restApi) {
            throw new IllegalArgumentException("gatehouse:domainName is the REST API's: set gatehouse:restApi true");
        }
    }
}
