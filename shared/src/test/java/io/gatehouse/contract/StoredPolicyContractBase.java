package io.gatehouse.contract;

import com.sun.net.httpserver.HttpExchange;
import io.gatehouse.testing.TestServices;
import io.gatehouse.testing.TestTokens;
import io.gatehouse.testing.TestUpstream;
import org.junit.jupiter.api.AfterAll;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What the suites of the stored policies ({@link CacheContractTest}, {@link IdempotencyContractTest})
 * share: a real loopback upstream whose answers count the calls per key, the real Redis of the test
 * run under a key prefix of this suite's own (never flushed, nothing else's touched), and JWTs
 * signed with {@link TestTokens#SECRET}.
 */
public abstract class StoredPolicyContractBase extends ContractTestBase {

    private final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
    private final TestUpstream upstream = TestUpstream.start();
    private final String feature;
    private final String prefix;

    /**
     * @param feature the settings' prefix below {@code gateway.}, such as {@code cache}
     * @param roots   the path prefixes the upstream answers with {@link #answer}
     */
    protected StoredPolicyContractBase(String feature, List<String> roots) {
        this.feature = feature;
        this.prefix = "test:" + feature + ":" + UUID.randomUUID();
        for (String root : roots) {
            upstream.handle(root, this::answer);
        }
    }

    /**
     * @param exchange a request the upstream received under one of the roots
     * @throws IOException when the answer cannot be written
     */
    protected abstract void answer(HttpExchange exchange) throws IOException;

    /**
     * @param upstreamUrl the upstream's base URL
     * @return the suite's route file
     */
    protected abstract String routes(String upstreamUrl);

    @Override
    protected Map<String, Object> properties() {
        Map<String, Object> properties = super.properties();
        properties.put("gateway.config-file", definitionFile(routes(upstream.url())).toString());
        properties.put("redis.uri", TestServices.redisUri());
        properties.put("gateway." + feature + ".redis-prefix", prefix);
        // A machine running several suites at once can be slow to answer; timeouts are not what these suites are about.
        properties.put("gateway." + feature + ".store-timeout", "10s");
        properties.put("gateway.jwt.secret", TestTokens.SECRET);
        properties.put("gateway.jwt.issuers", List.of(TestTokens.ISSUER));
        return properties;
    }

    @AfterAll
    void stopUpstream() {
        upstream.close();
    }

    /**
     * @return the prefix of this suite's Redis keys
     */
    protected String redisPrefix() {
        return prefix;
    }

    /**
     * Counts a call the upstream answers.
     *
     * @param key what the call is counted under
     * @return how many calls it has had, this one included
     */
    protected int called(String key) {
        return calls.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
    }

    /**
     * @param key what calls are counted under
     * @return how many the upstream answered
     */
    protected int calls(String key) {
        AtomicInteger count = calls.get(key);
        return count == null ? 0 : count.get();
    }
}
