package io.gatehouse.contract;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Real HTTP/1.1 to a gateway listening on a socket: the JDK's client, every header and cookie sent
 * as its own header line.
 */
public final class HttpTransport implements GatewayTransport {

    private final URI base;
    private final Runnable onClose;
    /** Headers an HTTP/2 request cannot carry from the JDK's client: Host (it sends the URI's authority) and RFC 9113 §8.2.2's connection-specific ones. */
    private static final java.util.Set<String> HTTP1_ONLY = java.util.Set.of("host", "connection", "keep-alive", "proxy-connection",
        "transfer-encoding", "upgrade", "te");

    private final HttpClient client;
    private final HttpClient http1;

    /**
     * @param base    the gateway's base URL
     * @param onClose what stops the gateway
     */
    public HttpTransport(URI base, Runnable onClose) {
        this(base, onClose, HttpClient.Version.HTTP_1_1);
    }

    /**
     * @param base    the gateway's base URL
     * @param onClose what stops the gateway
     * @param version the HTTP version to speak: {@code HTTP_2} over plain HTTP is h2c, upgraded from
     *                HTTP/1.1 on a connection's first request
     */
    public HttpTransport(URI base, Runnable onClose, HttpClient.Version version) {
        this.base = base;
        this.onClose = onClose;
        this.client = client(version);
        this.http1 = version == HttpClient.Version.HTTP_1_1 ? client : client(HttpClient.Version.HTTP_1_1);
    }

    private static HttpClient client(HttpClient.Version version) {
        return HttpClient.newBuilder()
            .version(version)
            .connectTimeout(Duration.ofSeconds(5))
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
    }

    @Override
    public ContractResponse send(ContractRequest request) {
        HttpRequest.BodyPublisher body = request.body() == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofByteArray(request.body());
        HttpRequest.Builder builder = HttpRequest.newBuilder(target(request))
            .timeout(Duration.ofSeconds(30))
            .method(request.method(), body);
        request.headers().forEach(h -> builder.header(h.getKey(), h.getValue()));
        request.cookies().forEach(c -> builder.header("Cookie", c));
        try {
            // An HTTP/2 transport sends what HTTP/2 cannot carry over HTTP/1.1, as a browser would never send it at all.
            boolean http1Only = request.headers().stream().anyMatch(h -> HTTP1_ONLY.contains(h.getKey().toLowerCase(Locale.ROOT)));
            HttpResponse<byte[]> response = (http1Only ? http1 : client).send(builder.build(), HttpResponse.BodyHandlers.ofByteArray());
            Map<String, List<String>> headers = new TreeMap<>();
            response.headers().map().forEach((name, values) -> headers.put(name.toLowerCase(Locale.ROOT), List.copyOf(values)));
            return new ContractResponse(response.statusCode(), headers,
                response.headers().allValues("set-cookie"), response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * The base with the request's target appended as written: {@link URI#resolve} would remove
     * {@code ..} segments and read {@code //x} as another host, and the path suites must send both.
     */
    private URI target(ContractRequest request) {
        String prefix = base.toString();
        if (prefix.endsWith("/")) {
            prefix = prefix.substring(0, prefix.length() - 1);
        }
        return URI.create(prefix + request.target());
    }

    @Override
    public void close() {
        onClose.run();
    }
}
