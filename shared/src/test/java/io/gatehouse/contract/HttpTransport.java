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
    private final HttpClient client = HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(5))
        .followRedirects(HttpClient.Redirect.NEVER)
        .build();

    /**
     * @param base    the gateway's base URL
     * @param onClose what stops the gateway
     */
    public HttpTransport(URI base, Runnable onClose) {
        this.base = base;
        this.onClose = onClose;
    }

    @Override
    public ContractResponse send(ContractRequest request) {
        HttpRequest.BodyPublisher body = request.body() == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofByteArray(request.body());
        HttpRequest.Builder builder = HttpRequest.newBuilder(base.resolve(request.target()))
            .timeout(Duration.ofSeconds(30))
            .method(request.method(), body);
        request.headers().forEach(h -> builder.header(h.getKey(), h.getValue()));
        request.cookies().forEach(c -> builder.header("Cookie", c));
        try {
            HttpResponse<byte[]> response = client.send(builder.build(), HttpResponse.BodyHandlers.ofByteArray());
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

    @Override
    public void close() {
        onClose.run();
    }
}
