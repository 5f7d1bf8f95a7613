package io.gatehouse.proxy;

import io.gatehouse.route.RouteDefinition;
import io.gatehouse.upstream.FailureKind;
import io.micronaut.http.client.exceptions.HttpClientException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

class BufferedProxyTest {

    static Stream<Arguments> backoffs() {
        RouteDefinition.Retries retries = new RouteDefinition.Retries(5, Duration.ofMillis(25), Duration.ofMillis(150), Set.of());
        return Stream.of(
            Arguments.of("first retry waits the backoff", retries, 0, Duration.ofMillis(25)),
            Arguments.of("second doubles it", retries, 1, Duration.ofMillis(50)),
            Arguments.of("third doubles again", retries, 2, Duration.ofMillis(100)),
            Arguments.of("capped at max-backoff", retries, 3, Duration.ofMillis(150)),
            Arguments.of("no overflow on many retries", retries, 63, Duration.ofMillis(150)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backoffs")
    void retryNumber_thenExponentialBackoffCapped(String name, RouteDefinition.Retries retries, int retry, Duration expected) {
        assertEquals(expected, BufferedProxy.backoff(retries, retry));
    }

    static Stream<Arguments> failures() {
        return Stream.of(
            Arguments.of("connection refused, wrapped by the client", new HttpClientException("Connect Error", new ConnectException("refused")), FailureKind.CONNECT),
            Arguments.of("unknown host", new UnknownHostException("nowhere.invalid"), FailureKind.CONNECT),
            Arguments.of("response timeout", new TimeoutException("300ms"), FailureKind.TIMEOUT),
            Arguments.of("connection closed mid-response", new HttpClientException("closed", new IOException("reset")), FailureKind.RESET));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("failures")
    void failure_thenClassified(String name, Throwable failure, FailureKind expected) {
        assertEquals(expected, BufferedProxy.classify(failure));
        assertEquals(expected == FailureKind.CONNECT, BufferedProxy.connectPhase(failure), "retried as never sent");
    }
}
