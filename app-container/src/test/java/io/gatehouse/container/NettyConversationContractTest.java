package io.gatehouse.container;

import io.gatehouse.contract.ContractRequest;
import io.gatehouse.contract.ContractResponse;
import io.gatehouse.contract.ConversationContractTest;
import io.gatehouse.contract.GatewayRuntime;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * {@link ConversationContractTest} on Netty, with the relay on its background thread and intakes
 * committed in groups (Netty streams the history as {@code text/event-stream}: {@link SessionStreamsTest}
 * proves it); plus what only a server taking requests concurrently shows: concurrent intakes committed
 * together are each stored once, a refusal in a group refuses only its own request, and concurrent
 * retries with one Idempotency-Key end with one event.
 */
class NettyConversationContractTest extends ConversationContractTest {

    @Override
    protected GatewayRuntime runtime() {
        return new NettyRuntime();
    }

    @Override
    protected boolean streams() {
        return true;
    }

    @Test
    void concurrentIntakes_thenEachStoredOnce_aRefusalFailsOnlyItself_oneKeyOneEvent() throws Exception {
        String alice = bearer("alice", "acme");
        String mallory = bearer("mallory", "globex");
        String session = send(ContractRequest.of("POST", "/v1/session/message").header("Authorization", alice)
            .body("application/json", "{\"message\":\"open\"}")).json().get("session_id").getStringValue();
        String key = "concurrent-" + System.nanoTime();
        List<Future<ContractResponse>> plain = new ArrayList<>();
        List<Future<ContractResponse>> intruders = new ArrayList<>();
        List<Future<ContractResponse>> retries = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(32)) {
            for (int i = 0; i < 60; i++) {
                int n = i;
                plain.add(pool.submit(() -> send(ContractRequest.of("POST", "/v1/session/message").header("Authorization", alice)
                    .body("application/json", "{\"session_id\":\"" + session + "\",\"message\":\"c" + n + "\"}"))));
                if (i % 10 == 0) {
                    intruders.add(pool.submit(() -> send(ContractRequest.of("POST", "/v1/session/message").header("Authorization", mallory)
                        .body("application/json", "{\"session_id\":\"" + session + "\",\"message\":\"intrude\"}"))));
                    retries.add(pool.submit(() -> send(ContractRequest.of("POST", "/v1/session/message").header("Authorization", alice)
                        .header("Idempotency-Key", key).body("application/json", "{\"message\":\"once\"}"))));
                }
            }
        }
        Set<String> events = new HashSet<>();
        for (Future<ContractResponse> f : plain) {
            assertEquals(202, f.get().status(), f.get().text());
            events.add(f.get().json().get("event_id").getStringValue());
        }
        assertEquals(60, events.size());
        for (Future<ContractResponse> f : intruders) {
            assertEquals(404, f.get().status(), f.get().text());
        }
        Set<String> retried = new HashSet<>();
        for (Future<ContractResponse> f : retries) {
            assertEquals(202, f.get().status(), f.get().text());
            retried.add(f.get().json().get("event_id").getStringValue());
        }
        assertEquals(1, retried.size(), "concurrent retries with one key: one event");
        ContractResponse history = send(ContractRequest.get("/v1/session/" + session + "/events?limit=500").header("Authorization", alice));
        assertEquals(61, history.json().get("events").size(), "the opening message and the 60, each once");
    }
}
