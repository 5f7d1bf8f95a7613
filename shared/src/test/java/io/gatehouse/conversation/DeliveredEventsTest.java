package io.gatehouse.conversation;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Which live events a stream sends after its replay: each case is a replay (ids and positions, or
 * {@code @n} for a stream opened without one after position n), then live events from the hub,
 * and the ids the client must get from the live part.
 */
class DeliveredEventsTest {

    private static ConversationStore.StoredEvent event(String id, long seq) {
        return new ConversationStore.StoredEvent(seq, id, "{}");
    }

    private static Arguments testCase(String desc, int remembered, String replay, String live, String expected) {
        return Arguments.of(desc, remembered, replay, live, expected);
    }

    static Stream<Arguments> cases() {
        return Stream.of(
            testCase("no replay: every live event once", 4, "", "a:1 b:2 a:1 c:3", "a b c"),
            testCase("opened after position 2: an earlier event still on its way is not news", 4, "@2", "b:2 c:3 a:1 d:4", "c d"),
            testCase("live after the replay: sent", 4, "a:1 b:2", "c:3 d:4", "c d"),
            testCase("stored while subscribing: in the replay and live, sent once", 4, "a:1 b:2 c:3", "c:3 d:4", "d"),
            testCase("committed late with an earlier position: sent, not lost", 4, "a:1 c:3", "b:2 d:4", "b d"),
            testCase("a record received twice: sent once", 4, "a:1", "b:2 b:2 c:3 b:2", "b c"),
            testCase("replay longer than the memory: an old replayed event live is dropped", 2, "a:1 b:2 c:3 d:4", "a:1 d:4 e:5", "e"),
            testCase("replay longer than the memory: a late event among the remembered is sent", 2, "a:1 b:2 c:3 e:5", "d:4 f:6", "d f"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void liveAfterReplay_thenOnlyWhatTheClientHasNotHad(String desc, int remembered, String replay, String live, String expected) {
        DeliveredEvents delivered = new DeliveredEvents(remembered);
        for (String e : replay.isBlank() ? new String[0] : replay.split(" ")) {
            if (e.startsWith("@")) {
                delivered.openedAfter(Long.parseLong(e.substring(1)));
            } else {
                delivered.replayed(event(e.split(":")[0], Long.parseLong(e.split(":")[1])));
            }
        }
        List<String> sent = new ArrayList<>();
        for (String e : live.split(" ")) {
            ConversationStore.StoredEvent event = event(e.split(":")[0], Long.parseLong(e.split(":")[1]));
            if (delivered.fresh(event)) {
                sent.add(event.eventId());
            }
        }
        assertEquals(List.of(expected.split(" ")), sent, desc);
    }
}
