import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The client side of bin/gatehouse bench fanout (see infra/bench/fanout.sh for the method), one
 * process: it opens SESSIONS sessions with POST /v1/session/message, SUBSCRIBERS SSE streams spread
 * evenly over them on one NIO selector thread (raw HTTP/1.1, chunked transfer-encoding, SSE lines;
 * no thread per connection), a plain Kafka consumer of the outbound topic (the peer), then produces
 * the agents' replies to that topic open loop: reply i is due at start + i/RATE to a random session
 * and carries that due time (epoch microseconds) in its metadata, so a late send counts against the
 * reply, as does every delay after it. Delivery latency is the time a subscriber (or the peer) read
 * the event minus its due time, on this host's clock. First WARMUP seconds at half the rate,
 * not counted; once its deliveries are in, SECONDS at RATE. After the last reply it waits for the
 * rest as long as deliveries keep arriving (a late delivery is a latency; one still absent 10 s
 * after the last arrival is missing).
 *
 * <p>Prints its results as Markdown on standard output, progress on standard error; exits 1 when a
 * delivery is missing, repeated or on the wrong stream, a stream failed to open or was closed, or a
 * reply could not be produced.
 *
 * <p>Run with the Kafka client jars on the class path:
 * {@code java -cp 'kafka/lib/*' FanoutLoad.java --base http://127.0.0.1:PORT --token JWT --bootstrap HOST:PORT
 * --topic TOPIC [--sessions 500] [--subscribers 5000] [--rate 1000] [--seconds 30] [--warmup 10]
 * [--in-flight 200] [--cpu name=pid,...] [--dump replies.csv]}. A pid in --cpu counts with its
 * direct children (PostgreSQL's backends), sampled from /proc over the measured window.
 */
public final class FanoutLoad {

    private static final long BASE_NANOS = System.nanoTime();
    private static final long BASE_MICROS = ChronoUnit.MICROS.between(Instant.EPOCH, Instant.now());
    private static final Pattern SESSION_ID = Pattern.compile("\"session_id\"\\s*:\\s*\"([^\"]+)\"");
    private static final String SEQ = "\"bench_seq\":";
    private static final String SENT = "\"bench_sent_us\":";
    private static final String CREATED = "\"created_at\":\"";
    private static final Duration STALLED = Duration.ofSeconds(10);
    private static final String MESSAGE = "Two incidents yesterday: a 14-minute checkout outage and degraded search latency. "
        + "Next steps: review the deploy, add an alert on p99.";

    /** Epoch microseconds of a System.nanoTime() reading: one clock for due times and receipts. */
    static long micros(long nanos) {
        return BASE_MICROS + (nanos - BASE_NANOS) / 1000;
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> a = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            a.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        URI base = URI.create(a.get("base"));
        String token = a.get("token");
        int sessions = Integer.parseInt(a.getOrDefault("sessions", "500"));
        int subscribers = Integer.parseInt(a.getOrDefault("subscribers", "5000"));
        int rate = Integer.parseInt(a.getOrDefault("rate", "1000"));
        int seconds = Integer.parseInt(a.getOrDefault("seconds", "30"));
        int warmup = Integer.parseInt(a.getOrDefault("warmup", "10"));
        int inFlight = Integer.parseInt(a.getOrDefault("in-flight", "200"));
        Map<String, Long> cpuPids = new LinkedHashMap<>();
        for (String entry : a.getOrDefault("cpu", "").split(",")) {
            if (entry.contains("=") && !entry.endsWith("=")) {
                cpuPids.put(entry.substring(0, entry.indexOf('=')), Long.parseLong(entry.substring(entry.indexOf('=') + 1)));
            }
        }
        int warmRate = Math.max(1, rate / 2);
        int warmEvents = warmRate * warmup;
        int measuredEvents = rate * seconds;
        Run run = new Run(warmEvents, measuredEvents);

        long t0 = System.nanoTime();
        String[] ids = openSessions(base, token, sessions);
        log("sessions: %d opened in %d ms", sessions, millisSince(t0));

        Streams streams = new Streams(base, token, ids, subscribers, inFlight, run);
        Thread selector = Thread.ofPlatform().name("fanout-selector").start(streams::loop);
        t0 = System.nanoTime();
        if (!streams.allTried.await(10, TimeUnit.MINUTES)) {
            throw new IllegalStateException("the streams did not finish opening within 10 minutes");
        }
        long openMillis = millisSince(t0);
        log("streams: %d open, %d failed in %d ms %s", streams.opened, streams.failedToOpen, openMillis, streams.errors);

        Peer peer = new Peer(a.get("bootstrap"), a.get("topic"), run);
        Thread peerThread = Thread.ofPlatform().name("fanout-peer").start(peer::loop);
        if (!peer.ready.await(60, TimeUnit.SECONDS)) {
            throw new IllegalStateException("the peer consumer was not assigned the topic within 60 s");
        }

        Map<String, Object> producerConfig = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, a.get("bootstrap"),
            ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName(),
            ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName(),
            // Each reply leaves at once, as an agent answering one conversation sends it: Kafka 4's
            // default linger (5 ms) would add to both the gateway's and the peer's figures.
            ProducerConfig.LINGER_MS_CONFIG, 0);
        String runId = UUID.randomUUID().toString().substring(0, 8);
        Random random = new Random(16);
        AtomicLong produceErrors = new AtomicLong();
        CpuSample cpu0;
        boolean warmDrained;
        long lagMax;
        long measuredNanos;
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(producerConfig)) {
            log("warm-up: %d replies at %d/s", warmEvents, warmRate);
            Supplier<String> status = () -> String.format(Locale.ROOT, "%d stream deliveries, %d replies at the peer so far",
                streams.warmDeliveries + streams.measuredDeliveries, peer.received);
            produce(producer, a.get("topic"), runId, ids, run, random, 0, warmEvents, warmRate, produceErrors, status);
            producer.flush();
            // The measured replies start on an empty queue: a gateway still behind on the warm-up would
            // charge its backlog to them.
            long warmExpected = run.expectedDeliveries(streams.perSession, 0, warmEvents);
            warmDrained = drain(() -> streams.warmDeliveries >= warmExpected, () -> streams.warmDeliveries);
            if (a.containsKey("settle")) {
                // The gateway's one-time promotion of what the streams' opening allocated is not a
                // cost of the steady fan-out: the caller's command (a full collection) takes it here.
                Process settle = new ProcessBuilder(a.get("settle").split(" ")).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
                log("settle: %s ended %d", a.get("settle"), settle.waitFor());
            }
            Thread.sleep(500);
            log("warm-up delivered %d of %d; measuring: %d replies at %d/s", streams.warmDeliveries, warmExpected, measuredEvents, rate);
            cpu0 = CpuSample.take(cpuPids);
            long start = System.nanoTime();
            lagMax = produce(producer, a.get("topic"), runId, ids, run, random, warmEvents, measuredEvents, rate, produceErrors, status);
            producer.flush();
            long expected = run.expectedDeliveries(streams.perSession);
            drain(() -> streams.measuredDeliveries >= expected && peer.measured >= measuredEvents,
                () -> streams.measuredDeliveries + peer.measured);
            measuredNanos = System.nanoTime() - start;
        }
        CpuSample cpu1 = CpuSample.take(cpuPids);
        streams.running = false;
        peer.running = false;
        selector.join(10_000);
        peerThread.join(10_000);

        if (a.containsKey("dump")) {
            run.dump(Path.of(a.get("dump")));
        }
        report(run, streams, peer, sessions, subscribers, rate, seconds, warmup, warmRate, warmDrained, openMillis, lagMax,
            produceErrors.get(), cpu0, cpu1, measuredNanos);
    }

    /**
     * Waits until done, or until progress (a count of deliveries) stands still for {@link #STALLED}: a
     * gateway that is behind still delivers late, and late is a latency, not a loss.
     *
     * @return whether done
     */
    private static boolean drain(BooleanSupplier done, LongSupplier progress) throws InterruptedException {
        long last = progress.getAsLong();
        long since = System.nanoTime();
        while (!done.getAsBoolean() && System.nanoTime() - since < STALLED.toNanos()) {
            Thread.sleep(20);
            long now = progress.getAsLong();
            if (now != last) {
                last = now;
                since = System.nanoTime();
            }
        }
        return done.getAsBoolean();
    }

    /** Produces count replies open loop at rate per second, numbered from first; answers the largest send delay (ns). */
    private static long produce(KafkaProducer<String, String> producer, String topic, String runId, String[] ids, Run run,
                                Random random, int first, int count, int rate, AtomicLong errors, Supplier<String> status) {
        long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(10);
        long lagMax = 0;
        for (int i = 0; i < count; i++) {
            long due = start + i * 1_000_000_000L / rate;
            long wait;
            while ((wait = due - System.nanoTime()) > 0) {
                LockSupport.parkNanos(wait);
            }
            lagMax = Math.max(lagMax, System.nanoTime() - due);
            int seq = first + i;
            int session = random.nextInt(ids.length);
            run.session[seq] = session;
            run.due[seq] = micros(due);
            String value = "{\"event_id\":\"e_fo_" + runId + "_" + seq + "\",\"session_id\":\"" + ids[session]
                + "\",\"persona_id\":\"bench\",\"message\":\"" + MESSAGE + "\",\"metadata\":{\"bench_seq\":" + seq + ",\"bench_sent_us\":"
                + micros(due) + "}}";
            if (i > 0 && i % (rate * 5) == 0) {
                log("%d s: %d replies produced; %s", i / rate, i, status.get());
            }
            producer.send(new ProducerRecord<>(topic, ids[session], value), (metadata, e) -> {
                if (e != null && errors.getAndIncrement() < 3) {
                    log("produce failed: %s", e);
                }
            });
        }
        return lagMax;
    }

    private static String[] openSessions(URI base, String token, int count) throws InterruptedException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        String[] ids = new String[count];
        Semaphore permits = new Semaphore(16);
        CountDownLatch done = new CountDownLatch(count);
        ConcurrentLinkedQueue<String> errors = new ConcurrentLinkedQueue<>();
        for (int i = 0; i < count; i++) {
            int index = i;
            permits.acquire();
            HttpRequest request = HttpRequest.newBuilder(base.resolve("/v1/session/message")).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"persona_id\":\"bench\",\"message\":\"fan-out session " + i + "\"}")).build();
            http.sendAsync(request, HttpResponse.BodyHandlers.ofString()).whenComplete((response, error) -> {
                Matcher m = response == null ? null : SESSION_ID.matcher(response.body());
                if (response != null && response.statusCode() == 202 && m.find()) {
                    ids[index] = m.group(1);
                } else {
                    errors.add(error != null ? error.toString() : response.statusCode() + " " + response.body());
                }
                permits.release();
                done.countDown();
            });
        }
        done.await(5, TimeUnit.MINUTES);
        if (!errors.isEmpty() || Arrays.stream(ids).anyMatch(id -> id == null)) {
            throw new IllegalStateException("could not open the sessions: " + errors.stream().limit(3).toList());
        }
        return ids;
    }

    /** What was sent and what arrived, by reply number (seq). Warm-up replies are below {@link #from}. */
    static final class Run {
        final int from;
        final int[] session;
        /** Deliveries of each reply to the SSE streams, and to the peer; written by one thread each. */
        final int[] delivered;
        final int[] peerDelivered;
        /** When the gateway took each reply up from Kafka (its created_at, epoch microseconds), 0 until seen. */
        final long[] takenUp;
        /** Each reply's due time, its first and last delivery to a stream and its receipt by the peer (epoch microseconds). */
        final long[] due;
        final long[] firstDelivery;
        final long[] lastDelivery;
        final long[] peerReceived;
        final IntList latency = new IntList();
        final IntList afterTakeUp = new IntList();
        final IntList takeUp = new IntList();
        final IntList peerLatency = new IntList();

        Run(int warm, int measured) {
            from = warm;
            session = new int[warm + measured];
            delivered = new int[warm + measured];
            peerDelivered = new int[warm + measured];
            takenUp = new long[warm + measured];
            due = new long[warm + measured];
            firstDelivery = new long[warm + measured];
            lastDelivery = new long[warm + measured];
            peerReceived = new long[warm + measured];
        }

        /** One line per reply: what the table's quantiles are made of, to see how a delay grew over the run. */
        void dump(Path file) throws IOException {
            StringBuilder out = new StringBuilder("seq,session,due_us,taken_up_us,peer_us,first_delivery_us,last_delivery_us,deliveries\n");
            for (int seq = 0; seq < session.length; seq++) {
                out.append(seq).append(',').append(session[seq]).append(',').append(due[seq]).append(',').append(takenUp[seq]).append(',')
                    .append(peerReceived[seq]).append(',').append(firstDelivery[seq]).append(',').append(lastDelivery[seq]).append(',')
                    .append(delivered[seq]).append('\n');
            }
            Files.writeString(file, out);
        }

        long expectedDeliveries(int[] perSession) {
            return expectedDeliveries(perSession, from, session.length);
        }

        long expectedDeliveries(int[] perSession, int first, int end) {
            long sum = 0;
            for (int seq = first; seq < end; seq++) {
                sum += perSession[session[seq]];
            }
            return sum;
        }
    }

    /** The SSE subscribers: one selector, one state machine per connection. */
    static final class Streams {
        final InetSocketAddress address;
        final String token;
        final String host;
        final String[] ids;
        final int count;
        final int inFlight;
        final Run run;
        final int[] perSession;
        final CountDownLatch allTried = new CountDownLatch(1);
        final List<String> errors = new ArrayList<>();
        final ByteBuffer buffer = ByteBuffer.allocateDirect(1 << 16);
        volatile boolean running = true;
        volatile int opened;
        volatile int failedToOpen;
        volatile long measuredDeliveries;
        int pending;
        int started;
        int closedAfterOpen;
        long wrongSession;
        long duplicates;
        long otherEvents;
        volatile long warmDeliveries;
        Selector selector;

        Streams(URI base, String token, String[] ids, int count, int inFlight, Run run) {
            this.address = new InetSocketAddress(base.getHost(), base.getPort());
            this.host = base.getHost() + ":" + base.getPort();
            this.token = token;
            this.ids = ids;
            this.count = count;
            this.inFlight = inFlight;
            this.run = run;
            this.perSession = new int[ids.length];
        }

        void loop() {
            try (Selector s = Selector.open()) {
                selector = s;
                while (running) {
                    while (started < count && pending < inFlight) {
                        connect(started++);
                    }
                    s.select(100);
                    Iterator<SelectionKey> keys = s.selectedKeys().iterator();
                    while (keys.hasNext()) {
                        SelectionKey key = keys.next();
                        keys.remove();
                        Conn c = (Conn) key.attachment();
                        try {
                            handle(key, c);
                        } catch (IOException | RuntimeException e) {
                            fail(c, e.toString());
                        }
                    }
                }
                for (SelectionKey key : s.keys()) {
                    key.channel().close();
                }
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }

        private void connect(int index) {
            int session = index % ids.length;
            Conn c = new Conn(session, "\"session_id\":\"" + ids[session] + "\"");
            pending++;
            try {
                c.channel = SocketChannel.open();
                c.channel.configureBlocking(false);
                c.channel.connect(address);
                c.key = c.channel.register(selector, SelectionKey.OP_CONNECT, c);
                c.out = ByteBuffer.wrap(("GET /v1/session/" + ids[session] + "/events HTTP/1.1\r\nHost: " + host
                    + "\r\nAccept: text/event-stream\r\nAuthorization: Bearer " + token + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            } catch (IOException e) {
                fail(c, e.toString());
            }
        }

        private void handle(SelectionKey key, Conn c) throws IOException {
            if (key.isConnectable() && c.channel.finishConnect()) {
                key.interestOps(SelectionKey.OP_WRITE);
            }
            if (key.isValid() && key.isWritable()) {
                c.channel.write(c.out);
                if (!c.out.hasRemaining()) {
                    key.interestOps(SelectionKey.OP_READ);
                }
            }
            if (key.isValid() && key.isReadable()) {
                buffer.clear();
                int n = c.channel.read(buffer);
                long now = System.nanoTime();
                if (n < 0) {
                    fail(c, "connection closed by the gateway");
                    return;
                }
                buffer.flip();
                while (buffer.hasRemaining() && !c.dead) {
                    feedHttp(c, buffer.get(), now);
                }
            }
        }

        /** The response head, then the body, through the chunked decoder when the response is chunked. */
        private void feedHttp(Conn c, byte b, long now) {
            if (!c.inBody) {
                c.head.append((char) b);
                int end = c.head.length();
                if (end >= 4 && c.head.lastIndexOf("\r\n\r\n") == end - 4) {
                    String head = c.head.toString();
                    String lower = head.toLowerCase(Locale.ROOT);
                    if (!head.startsWith("HTTP/1.1 200")) {
                        fail(c, head.lines().findFirst().orElse(head));
                    } else if (!lower.contains("content-type: text/event-stream")) {
                        fail(c, "not an event stream: " + head.replace("\r\n", " | "));
                    } else if (lower.contains("content-encoding:")) {
                        fail(c, "an encoded stream, which this client does not decode: " + head.replace("\r\n", " | "));
                    }
                    c.chunked = lower.contains("transfer-encoding: chunked");
                    c.inBody = true;
                    c.head = null;
                }
                return;
            }
            if (!c.chunked) {
                feedSse(c, b, now);
                return;
            }
            switch (c.chunkState) {
                case Conn.SIZE -> {
                    if (b == '\n') {
                        if (c.chunkLeft == 0) {
                            fail(c, "the gateway ended the stream");
                        } else {
                            c.chunkState = Conn.DATA;
                        }
                        c.inExtension = false;
                    } else if (b == ';') {
                        c.inExtension = true;
                    } else if (b != '\r' && !c.inExtension) {
                        c.chunkLeft = c.chunkLeft * 16 + Character.digit(b, 16);
                    }
                }
                case Conn.DATA -> {
                    feedSse(c, b, now);
                    if (--c.chunkLeft == 0) {
                        c.chunkState = Conn.AFTER_DATA;
                    }
                }
                default -> {
                    if (b == '\n') {
                        c.chunkState = Conn.SIZE;
                    }
                }
            }
        }

        private void feedSse(Conn c, byte b, long now) {
            if (b != '\n') {
                if (c.lineLength == c.line.length) {
                    c.line = Arrays.copyOf(c.line, c.line.length * 2);
                }
                c.line[c.lineLength++] = b;
                return;
            }
            int length = c.lineLength;
            c.lineLength = 0;
            if (length > 0 && c.line[length - 1] == '\r') {
                length--;
            }
            if (length == 0) {
                return;
            }
            if (c.line[0] == ':') {
                if (!c.open && new String(c.line, 0, length, StandardCharsets.ISO_8859_1).contains("stream open")) {
                    c.open = true;
                    pending--;
                    opened++;
                    perSession[c.session]++;
                    tried();
                }
                return;
            }
            if (length < 5 || c.line[0] != 'd' || c.line[1] != 'a' || c.line[2] != 't' || c.line[3] != 'a' || c.line[4] != ':') {
                return;
            }
            String data = new String(c.line, 5, length - 5, StandardCharsets.ISO_8859_1);
            long seq = number(data, SEQ);
            if (seq < 0) {
                otherEvents++;
                return;
            }
            if (!data.contains(c.sessionNeedle)) {
                wrongSession++;
                return;
            }
            long received = micros(now);
            int i = (int) seq;
            if (run.firstDelivery[i] == 0) {
                run.firstDelivery[i] = received;
                int at = data.indexOf(CREATED);
                run.takenUp[i] = ChronoUnit.MICROS.between(Instant.EPOCH, Instant.parse(data.substring(at + CREATED.length(),
                    data.indexOf('"', at + CREATED.length()))));
                if (i >= run.from) {
                    run.takeUp.add(run.takenUp[i] - number(data, SENT));
                }
            }
            run.lastDelivery[i] = received;
            if (i < run.from) {
                warmDeliveries++;
                return;
            }
            if (++run.delivered[i] > perSession[c.session]) {
                duplicates++;
            }
            long sent = number(data, SENT);
            run.latency.add(received - sent);
            run.afterTakeUp.add(received - run.takenUp[i]);
            measuredDeliveries++;
        }

        private void fail(Conn c, String why) {
            if (c.dead) {
                return;
            }
            c.dead = true;
            try {
                if (c.channel != null) {
                    c.channel.close();
                }
            } catch (IOException ignored) {
                // closing anyway
            }
            if (c.open) {
                closedAfterOpen++;
                if (running) {
                    log("a stream of session %s ended: %s", ids[c.session], why);
                }
                return;
            }
            pending--;
            failedToOpen++;
            if (errors.size() < 5) {
                errors.add(why);
            }
            tried();
        }

        private void tried() {
            if (opened + failedToOpen == count) {
                allTried.countDown();
            }
        }
    }

    /** One SSE connection's parser state. */
    static final class Conn {
        static final int SIZE = 0;
        static final int DATA = 1;
        static final int AFTER_DATA = 2;
        final int session;
        final String sessionNeedle;
        SocketChannel channel;
        SelectionKey key;
        ByteBuffer out;
        StringBuilder head = new StringBuilder(256);
        boolean inBody;
        boolean chunked;
        int chunkState = SIZE;
        long chunkLeft;
        boolean inExtension;
        byte[] line = new byte[512];
        int lineLength;
        boolean open;
        boolean dead;

        Conn(int session, String sessionNeedle) {
            this.session = session;
            this.sessionNeedle = sessionNeedle;
        }
    }

    /** The peer: a plain Kafka consumer of the same topic, in a group of its own, with kafka-clients' defaults. */
    static final class Peer {
        final CountDownLatch ready = new CountDownLatch(1);
        final Run run;
        final Map<String, Object> config;
        final String topic;
        volatile boolean running = true;
        volatile long measured;
        volatile long received;
        long duplicates;

        Peer(String bootstrap, String topic, Run run) {
            this.run = run;
            this.topic = topic;
            this.config = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, "bench-fanout-peer-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName(),
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        }

        void loop() {
            try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(config)) {
                consumer.subscribe(List.of(topic));
                while (consumer.assignment().isEmpty()) {
                    consumer.poll(Duration.ofMillis(100));
                }
                for (TopicPartition partition : consumer.assignment()) {
                    consumer.position(partition);
                }
                ready.countDown();
                while (running) {
                    ConsumerRecords<String, String> records = consumer.poll(Duration.ofMillis(100));
                    long received = micros(System.nanoTime());
                    this.received += records.count();
                    for (ConsumerRecord<String, String> record : records) {
                        int seq = (int) number(record.value(), SEQ);
                        run.peerReceived[seq] = received;
                        if (seq < run.from) {
                            continue;
                        }
                        if (++run.peerDelivered[seq] > 1) {
                            duplicates++;
                        }
                        run.peerLatency.add(received - number(record.value(), SENT));
                        measured++;
                    }
                }
            }
        }
    }

    /** CPU time (clock ticks) of some processes, each with its direct children, and of the whole machine. */
    record CpuSample(long nanos, Map<String, Long> ticks, long machineBusy) {
        static CpuSample take(Map<String, Long> pids) {
            Map<String, Long> ticks = new LinkedHashMap<>();
            ticks.put("this load client", ticksOf(ProcessHandle.current().pid()));
            pids.forEach((name, pid) -> ticks.put(name, ticksOf(pid) + ProcessHandle.of(pid).map(p -> p.children()
                .mapToLong(child -> ticksOf(child.pid())).sum()).orElse(0L)));
            long busy = 0;
            try {
                String[] cpu = Files.readAllLines(Path.of("/proc/stat")).getFirst().trim().split("\\s+");
                for (int i = 1; i < cpu.length && i <= 8; i++) {
                    busy += i == 4 || i == 5 ? 0 : Long.parseLong(cpu[i]);
                }
            } catch (IOException | RuntimeException e) {
                busy = -1;
            }
            return new CpuSample(System.nanoTime(), ticks, busy);
        }

        private static long ticksOf(long pid) {
            try {
                String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
                String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                return Long.parseLong(f[11]) + Long.parseLong(f[12]);
            } catch (IOException | RuntimeException e) {
                return 0;
            }
        }
    }

    private static void report(Run run, Streams streams, Peer peer, int sessions, int subscribers, int rate, int seconds, int warmup,
                               int warmRate, boolean warmDrained, long openMillis, long lagMax, long produceErrors,
                               CpuSample cpu0, CpuSample cpu1, long measuredNanos) {
        long expected = run.expectedDeliveries(streams.perSession);
        long missing = 0;
        long peerMissing = 0;
        for (int seq = run.from; seq < run.session.length; seq++) {
            missing += Math.max(0, streams.perSession[run.session[seq]] - run.delivered[seq]);
            peerMissing += run.peerDelivered[seq] == 0 ? 1 : 0;
        }
        int produced = run.session.length - run.from;
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT,
            "Subscribers: %d SSE streams open on %d sessions (%s each), opened in %.1f s; %d failed to open%n",
            streams.opened, sessions, subscribers % sessions == 0 ? String.valueOf(subscribers / sessions)
                : subscribers / sessions + "–" + (subscribers / sessions + 1), openMillis / 1000.0, streams.failedToOpen));
        out.append(String.format(Locale.ROOT, "Produced: %d replies at %d/s for %d s to random sessions, after a %d s warm-up at %d/s%s; "
            + "producer at most %.1f ms behind schedule%n", produced, rate, seconds, warmup, warmRate,
            warmDrained ? "" : " (its deliveries stopped short of complete)", lagMax / 1e6));
        out.append(String.format(Locale.ROOT, "Deliveries: expected %d, received %d (%.0f/s)%n", expected, streams.measuredDeliveries,
            streams.measuredDeliveries / (measuredNanos / 1e9)));
        out.append(String.format(Locale.ROOT, "Peer: received %d of %d replies%n%n", peer.measured, produced));

        out.append("| delivery latency, ms | p50 | p90 | p99 | p99.9 | max | samples |\n|---|---|---|---|---|---|---|\n");
        int[] gateway = run.latency.sorted();
        int[] kafka = run.peerLatency.sorted();
        row(out, "**gateway**: due → SSE subscriber", gateway);
        row(out, "**peer**: due → plain Kafka consumer", kafka);
        out.append("| gateway / peer |");
        for (double q : QUANTILES) {
            double g = quantile(gateway, q);
            double p = quantile(kafka, q);
            out.append(String.format(Locale.ROOT, " **%s** |", p > 0 && g >= 0 ? String.format(Locale.ROOT, "%.1f×", g / p) : "n/a"));
        }
        out.append(" – | |\n");
        row(out, "gateway: due → taken up from Kafka (`created_at`, ms resolution)", run.takeUp.sorted());
        row(out, "gateway: taken up → SSE subscriber (store, hub, stream, network, client)", run.afterTakeUp.sorted());

        double wall = (cpu1.nanos() - cpu0.nanos()) / 1e9;
        out.append(String.format(Locale.ROOT, "%nCPU over the measured %.1f s, in cores (this machine has %d):", wall,
            Runtime.getRuntime().availableProcessors()));
        cpu0.ticks().forEach((name, before) -> out.append(String.format(Locale.ROOT, " %s %.2f;", name,
            (cpu1.ticks().get(name) - before) / 100.0 / wall)));
        if (cpu0.machineBusy() < 0) {
            out.append('\n');
        } else {
            double machine = (cpu1.machineBusy() - cpu0.machineBusy()) / 100.0 / wall;
            double ours = 0;
            for (Map.Entry<String, Long> before : cpu0.ticks().entrySet()) {
                ours += (cpu1.ticks().get(before.getKey()) - before.getValue()) / 100.0 / wall;
            }
            out.append(String.format(Locale.ROOT, " whole machine %.2f, of which other work %.2f%s%n", machine, Math.max(0, machine - ours),
                machine - ours > 0.2 ? " (the machine was not quiet: compare ratios, not absolute figures)" : ""));
        }

        double p99 = quantile(gateway, 0.99);
        List<String> failures = new ArrayList<>();
        if (streams.failedToOpen > 0) {
            failures.add(streams.failedToOpen + " streams failed to open: " + streams.errors);
        }
        if (streams.closedAfterOpen > 0) {
            failures.add(streams.closedAfterOpen + " streams were closed during the run");
        }
        if (missing > 0) {
            failures.add(missing + " deliveries missing of " + expected);
        }
        if (streams.duplicates > 0) {
            failures.add(streams.duplicates + " deliveries repeated");
        }
        if (streams.wrongSession > 0) {
            failures.add(streams.wrongSession + " deliveries on a stream of another session");
        }
        if (peerMissing > 0) {
            failures.add(peerMissing + " replies never reached the peer consumer");
        }
        if (produceErrors > 0) {
            failures.add(produceErrors + " replies could not be produced");
        }
        out.append(String.format(Locale.ROOT, "%nTarget (issue #16): p99 delivery ≤ 50 ms at 1,000 replies/s to 5,000 subscribers. "
            + "This run, %d/s to %d: p99 %.1f ms, %s.%n", rate, streams.opened, p99 / 1000.0,
            failures.isEmpty() && p99 <= 50_000 ? "within 50 ms" : failures.isEmpty() ? "over 50 ms" : "not valid (failures below)"));
        for (String failure : failures) {
            out.append("\nFAILURE: ").append(failure).append('\n');
        }
        System.out.print(out);
        System.out.flush();
        System.exit(failures.isEmpty() ? 0 : 1);
    }

    private static final double[] QUANTILES = {0.5, 0.9, 0.99, 0.999};

    private static void row(StringBuilder out, String name, int[] sorted) {
        out.append("| ").append(name).append(" |");
        for (double q : QUANTILES) {
            out.append(String.format(Locale.ROOT, " %.2f |", quantile(sorted, q) / 1000.0));
        }
        out.append(String.format(Locale.ROOT, " %.2f | %d |%n", sorted.length == 0 ? Double.NaN : sorted[sorted.length - 1] / 1000.0,
            sorted.length));
    }

    /** The nearest-rank quantile of sorted microseconds, or NaN when there are none. */
    private static double quantile(int[] sorted, double q) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        return sorted[Math.min(sorted.length - 1, Math.max(0, (int) Math.ceil(q * sorted.length) - 1))];
    }

    /** The non-negative integer after name in a JSON text, or -1 when name is not there. */
    static long number(String json, String name) {
        int at = json.indexOf(name);
        if (at < 0) {
            return -1;
        }
        long value = 0;
        for (int i = at + name.length(); i < json.length() && Character.isDigit(json.charAt(i)); i++) {
            value = value * 10 + (json.charAt(i) - '0');
        }
        return value;
    }

    /** A growable list of microseconds, clamped to int. */
    static final class IntList {
        private int[] values = new int[1 << 16];
        private int size;

        void add(long micros) {
            if (size == values.length) {
                values = Arrays.copyOf(values, size * 2);
            }
            values[size++] = (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, micros));
        }

        int[] sorted() {
            int[] copy = Arrays.copyOf(values, size);
            Arrays.sort(copy);
            return copy;
        }
    }

    private static long millisSince(long nanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - nanos);
    }

    static void log(String format, Object... args) {
        System.err.printf(Locale.ROOT, "fanout: " + format + "%n", args);
        System.err.flush();
    }
}
