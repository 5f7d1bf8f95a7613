package io.gatehouse.container;

import io.gatehouse.contract.ContractRequest;
import io.gatehouse.contract.ContractResponse;
import io.gatehouse.contract.GatewayTransport;
import io.gatehouse.testing.Await;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The session console in headless Chromium against a container on real PostgreSQL, Redis and Kafka:
 * a message typed into the page opens a session and shows on its stream; a reply produced to
 * {@code conversation.outbound} appears live; after a disconnect, a reply produced meanwhile is
 * replayed when the page resumes with Last-Event-ID, marked as replayed, and shown once.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConsoleTest {

    private SessionCluster cluster;
    private GatewayTransport gateway;
    private URI uri;

    @BeforeAll
    void start() throws Exception {
        cluster = new SessionCluster("console", Map.of());
        gateway = cluster.gatewayA;
        uri = cluster.runtimeA.uri();
    }

    @AfterAll
    void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private void reply(String session, String eventId, String message) throws Exception {
        cluster.reply(session, eventId, message);
    }

    @Test
    void console_thenSendsAMessageSeesTheReplyLiveAndReplaysAfterAReconnect() throws Exception {
        ContractResponse page = gateway.send(ContractRequest.get("/v1/console"));
        assertEquals(200, page.status());
        assertTrue(page.header("Content-Security-Policy").orElse("").contains("connect-src 'self'"));
        String token = SessionCluster.jwt("alice", "acme");
        try (HeadlessChromium browser = HeadlessChromium.start()) {
            browser.open(uri.resolve("/v1/console").toString());
            browser.type("#token", token);
            browser.type("#persona", "analyst");
            browser.type("#message", "What happened yesterday?");
            browser.click("#send");
            Await.until("the page opened a session and shows the message on its stream", Duration.ofSeconds(20),
                () -> Boolean.TRUE.equals(browser.script("return consoleState.connected && !!document.querySelector('#events li.user');")));
            String session = (String) browser.script("return document.getElementById('session').value;");
            assertTrue(session.startsWith("s_"), session);

            reply(session, "e_console_reply_1", "Two incidents, both resolved.");
            Await.until("the agent's reply, produced to conversation.outbound, on the page", Duration.ofSeconds(20),
                () -> Boolean.TRUE.equals(browser.script(
                    "return !!document.querySelector('#events li[data-event-id=\"e_console_reply_1\"]');")));
            assertEquals("assistant", browser.script(
                "return document.querySelector('#events li[data-event-id=\"e_console_reply_1\"]').dataset.role;"));

            browser.click("#disconnect");
            Await.until("the page disconnected", Duration.ofSeconds(10),
                () -> Boolean.FALSE.equals(browser.script("return consoleState.connected;")));
            reply(session, "e_console_reply_2", "Sent while you were away.");
            Await.until("the reply is stored", Duration.ofSeconds(20), () -> gateway.send(ContractRequest.get("/v1/session/" + session
                + "/events").header("Authorization", "Bearer " + token)).text().contains("e_console_reply_2"));
            browser.click("#watch");
            Await.until("the missed reply replayed after the reconnect", Duration.ofSeconds(20),
                () -> Boolean.TRUE.equals(browser.script(
                    "return !!document.querySelector('#events li.replayed[data-event-id=\"e_console_reply_2\"]');")));
            assertEquals(3L, ((Number) browser.script("return document.querySelectorAll('#events li').length;")).longValue(),
                "the message and both replies, each once");
            assertTrue(String.valueOf(browser.script("return document.getElementById('status').textContent;")).contains("resumed"));
            byte[] png = browser.screenshot();
            Path shot = Path.of("target", "console.png");
            Files.createDirectories(shot.getParent());
            Files.write(shot, png);
        }
    }
}
