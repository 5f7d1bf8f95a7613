import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The client side of bin/gatehouse bench sockets: opens COUNT session WebSockets to a gateway,
 * IN_FLIGHT upgrades at a time, keeps them open and idle (answering pings, reading whatever comes),
 * prints "open N failed M" once every attempt has ended, then holds them until its standard input
 * closes or says "close". Run as a single-file program: java SocketLoad.java URL TOKEN COUNT IN_FLIGHT.
 */
public final class SocketLoad {

    public static void main(String[] args) throws Exception {
        URI uri = URI.create(args[0]);
        String token = args[1];
        int count = Integer.parseInt(args[2]);
        int inFlight = Integer.parseInt(args[3]);
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(30)).build();
        Semaphore permits = new Semaphore(inFlight);
        CountDownLatch done = new CountDownLatch(count);
        AtomicInteger open = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        ConcurrentLinkedQueue<WebSocket> sockets = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<String> errors = new ConcurrentLinkedQueue<>();
        WebSocket.Listener listener = new WebSocket.Listener() {
            @Override
            public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                webSocket.request(1);
                return null;
            }

            @Override
            public CompletionStage<?> onPing(WebSocket webSocket, ByteBuffer message) {
                webSocket.request(1);
                return null;
            }
        };
        long start = System.nanoTime();
        for (int i = 0; i < count; i++) {
            permits.acquire();
            client.newWebSocketBuilder().header("Authorization", "Bearer " + token).connectTimeout(Duration.ofSeconds(30))
                .buildAsync(uri, listener)
                .whenComplete((socket, error) -> {
                    if (error == null) {
                        sockets.add(socket);
                        open.incrementAndGet();
                    } else {
                        failed.incrementAndGet();
                        if (errors.size() < 5) {
                            errors.add(String.valueOf(error));
                        }
                    }
                    permits.release();
                    done.countDown();
                });
        }
        done.await(10, TimeUnit.MINUTES);
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        System.out.println("open " + open.get() + " failed " + failed.get() + " in " + millis + " ms" + (errors.isEmpty() ? "" : " " + List.copyOf(errors)));
        System.out.flush();
        byte[] line = new byte[64];
        while (System.in.read(line) > 0) {
            if (new String(line).startsWith("close")) {
                break;
            }
        }
        for (WebSocket socket : sockets) {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "bench over");
        }
        Thread.sleep(2000);
    }
}
