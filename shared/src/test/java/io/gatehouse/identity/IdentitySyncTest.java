package io.gatehouse.identity;

import io.gatehouse.identity.IdentityInstances.Mode;
import io.gatehouse.identity.token.IssuedToken;
import io.gatehouse.identity.token.Revocations;
import io.gatehouse.identity.token.TokenRequest;
import io.gatehouse.identity.token.TokenService;
import io.gatehouse.testing.TestSchema;
import io.micronaut.context.ApplicationContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A token revoked on instance A is refused by instance B within one second, for every way B keeps
 * fresh: a long-running instance with Redis (pub/sub and a 500 ms version check) or without it
 * (database versions), and a Lambda instance with or without Redis (a check before the request
 * when the view is older than 500 ms). A and B share the real PostgreSQL (a schema of their own)
 * and the real Redis (a key prefix of their own).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class IdentitySyncTest {

    private final List<AutoCloseable> toClose = new ArrayList<>();

    static Stream<Mode> modes() {
        return Stream.of(
            new Mode("container with Redis", true, false),
            new Mode("container without Redis", false, false),
            new Mode("lambda with Redis", true, true),
            new Mode("lambda without Redis", false, true));
    }

    @AfterAll
    void close() throws Exception {
        for (AutoCloseable closeable : toClose.reversed()) {
            closeable.close();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("modes")
    void revokedOnA_thenRefusedByBWithinOneSecond(Mode mode) throws Exception {
        TestSchema schema = TestSchema.create("revoke");
        toClose.add(schema);
        ApplicationContext a = IdentityInstances.start(schema, new Mode("writer", mode.redis(), false));
        toClose.add(a);
        ApplicationContext b = IdentityInstances.start(schema, mode);
        toClose.add(b);

        IssuedToken token = a.getBean(TokenService.class).issue(AdminPrincipal.GLOBAL, new TokenRequest("alpha", "orders", null, null, "1h", null, null, null));
        Revocations onB = b.getBean(Revocations.class);
        // B has loaded its view once (as its first request or first tick would) and knows nothing revoked.
        b.getBean(IdentitySync.class).check().get();
        assertFalse(onB.isRevoked(token.metadata().jti()));

        a.getBean(TokenService.class).revoke(AdminPrincipal.GLOBAL, token.metadata().jti());
        assertTrue(a.getBean(Revocations.class).isRevoked(token.metadata().jti()), "the revoking instance refuses at once");
        long millis = IdentityInstances.millisUntil(b, mode, () -> onB.isRevoked(token.metadata().jti()), 5000);

        assertTrue(millis >= 0, "B never saw the revocation");
        assertTrue(millis <= 1000, "B saw the revocation after " + millis + " ms");
    }
}
