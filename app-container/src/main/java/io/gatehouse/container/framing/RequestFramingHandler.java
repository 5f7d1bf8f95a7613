package io.gatehouse.container.framing;

import io.gatehouse.container.proxy.NettyResponseHead;
import io.gatehouse.error.ErrorCode;
import io.gatehouse.policy.PolicyChains;
import io.gatehouse.route.PathNormaliser;
import io.gatehouse.error.ErrorResponses;
import io.gatehouse.observability.RequestIds;
import io.micronaut.core.annotation.Internal;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpHeadersFactory;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.AsciiString;
import io.netty.util.ReferenceCountUtil;

import java.nio.channels.ClosedChannelException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The front door of one HTTP/1.1 client connection: it sees every request Netty's
 * {@code HttpServerCodec} decodes before the streaming proxy or Micronaut does, and refuses the ones
 * whose framing or headers RFC 9112 forbids or that a gateway cannot interpret the same way as every
 * server behind it.
 *
 * <p>A refused request is answered with the error envelope and {@code Connection: close}, after every
 * earlier response on the connection (pipelining keeps its order), and the connection is closed:
 * nothing that follows a bad request on the same connection is passed on, so bytes smuggled after it
 * never become a request. What it refuses, with the status and {@code details.reason}:
 * <ul>
 *   <li>a request Netty could not decode: request line over {@code max-initial-line-length} (414
 *       {@code uri_too_long}), header section over {@code max-header-size} (431
 *       {@code headers_too_large}), anything else (400: bare LF or CR, a header name with
 *       whitespace or a control character, a control character in a value, differing or repeated
 *       {@code Content-Length}, no version (HTTP/0.9));</li>
 *   <li>an HTTP major version other than 1 (505);</li>
 *   <li>{@code Content-Length} together with {@code Transfer-Encoding} (400, RFC 9112 §6.1), a
 *       {@code Transfer-Encoding} in HTTP/1.0 (400), one whose final coding is not {@code chunked}
 *       (400, §6.3), {@code chunked} twice (400), another coding before {@code chunked} (501);</li>
 *   <li>a {@code Content-Length} that is not one run of digits, or given twice (400);</li>
 *   <li>an HTTP/1.1 request without {@code Host}, any request with more than one, or an invalid one
 *       (400, §3.2);</li>
 *   <li>a request target that is not origin-form, absolute-form ({@code http} or {@code https},
 *       without user info) or {@code OPTIONS *}, or that contains a byte outside visible ASCII (400);
 *       {@code CONNECT} (501: the gateway does not tunnel);</li>
 *   <li>a chunked body Netty could not decode (an invalid chunk size or extension, a missing chunk
 *       terminator): 400 when no response to that request has started yet, otherwise the connection
 *       is closed.</li>
 * </ul>
 * An absolute-form target is turned into origin-form when its authority and {@code Host} name the
 * same host, and refused (400 {@code host_mismatch}) when they do not, so that routes and upstreams
 * see one host. An
 * {@code Upgrade: h2c} is removed with {@code HTTP2-Settings}: the gateway never lets a client
 * switch a connection to an upstream to HTTP/2.
 */
@Internal
public final class RequestFramingHandler extends ChannelDuplexHandler {

    /** The handler's name in the server pipeline. */
    public static final String NAME = "gatehouse-request-framing";

    private static final AsciiString X_REQUEST_ID = AsciiString.cached(RequestIds.HEADER);
    private static final AsciiString X_API_VERSION = AsciiString.cached("X-API-Version");
    private static final AsciiString HTTP2_SETTINGS = AsciiString.cached("HTTP2-Settings");
    private static final String CHUNKED = "chunked";
    private static final Pattern DIGITS = Pattern.compile("[0-9]{1,18}");
    /** {@code uri-host [ ":" port ]}: an IP literal or a reg-name (without the comma, which would join two hosts). */
    private static final Pattern HOST = Pattern.compile(
        "(\\[[0-9A-Fa-f:.]+]|[A-Za-z0-9._~%!$&'()*+;=-]+)(:[0-9]{1,5})?");
    private static final Pattern TOKEN = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");

    private final ErrorResponses errors;
    private final String apiVersion;
    private final PolicyChains chains;
    /** Requests passed on whose final response has not been written completely. */
    private int pending;
    /** Whether the head of the oldest pending request's response has been written. */
    private boolean responseStarted;
    /** A bad request was seen: nothing read after it is passed on. */
    private boolean refused;
    /** Our own refusal went out: nobody else writes to the connection any more. */
    private boolean closing;
    /** The refusal waiting for earlier responses to complete. */
    private FullHttpResponse deferred;

    RequestFramingHandler(ErrorResponses errors, String apiVersion, PolicyChains chains) {
        this.errors = errors;
        this.apiVersion = apiVersion;
        this.chains = chains;
    }

    /**
     * Why a request is refused.
     *
     * @param code    the envelope's code and status
     * @param message the message for the client
     * @param reason  {@code details.reason}
     */
    private record Refusal(ErrorCode code, String message, String reason) {
        static Refusal badRequest(String message, String reason) {
            return new Refusal(ErrorCode.BAD_REQUEST, message, reason);
        }
    }

    // ---------------------------------------------------------------- inbound

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (refused) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (msg instanceof HttpRequest request) {
            Refusal refusal = check(request);
            if (refusal != null) {
                String incoming = request.decoderResult().isSuccess() ? request.headers().get(X_REQUEST_ID) : null;
                ReferenceCountUtil.release(msg);
                refuse(ctx, refusal, incoming);
                return;
            }
            pending++;
        } else if (msg instanceof HttpContent content && content.decoderResult().isFailure()) {
            ReferenceCountUtil.release(msg);
            refused = true;
            if (pending == 1 && !responseStarted) {
                // The body of the request being received is broken and nobody has answered it yet.
                send(ctx, envelope(ctx, Refusal.badRequest("The request's chunked body is malformed.", "invalid_chunked_body"),
                    null));
            } else {
                ctx.close();
            }
            return;
        }
        ctx.fireChannelRead(msg);
    }

    private void refuse(ChannelHandlerContext ctx, Refusal refusal, String incomingRequestId) {
        refused = true;
        FullHttpResponse response = envelope(ctx, refusal, incomingRequestId);
        if (pending == 0) {
            send(ctx, response);
        } else {
            deferred = response;
        }
    }

    private void send(ChannelHandlerContext ctx, FullHttpResponse response) {
        closing = true;
        ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    }

    private FullHttpResponse envelope(ChannelHandlerContext ctx, Refusal refusal, String incomingRequestId) {
        String requestId = RequestIds.resolve(incomingRequestId);
        byte[] json = errors.json(requestId, refusal.code(), refusal.message(), Map.of("reason", refusal.reason()));
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
            HttpResponseStatus.valueOf(refusal.code().status().getCode()), Unpooled.wrappedBuffer(json));
        HttpHeaders headers = response.headers();
        headers.set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON);
        headers.setInt(HttpHeaderNames.CONTENT_LENGTH, json.length);
        headers.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        headers.set(X_REQUEST_ID, requestId);
        headers.set(X_API_VERSION, apiVersion);
        // The security headers every response carries: this one never reaches a route's chain.
        chains.ownResponse(new NettyResponseHead(response.status().code(), headers, null),
            ctx.pipeline().get(SslHandler.class) != null);
        return response;
    }

    // ---------------------------------------------------------------- the rules

    private static Refusal check(HttpRequest request) {
        DecoderResult result = request.decoderResult();
        if (result.isFailure()) {
            Throwable cause = result.cause();
            if (cause instanceof TooLongHttpLineException) {
                return new Refusal(ErrorCode.URI_TOO_LONG, "The request line is longer than the gateway reads.",
                    "request_line_too_long");
            }
            if (cause instanceof TooLongHttpHeaderException) {
                return new Refusal(ErrorCode.HEADERS_TOO_LARGE, "The request's header section is larger than the gateway reads.",
                    "header_section_too_large");
            }
            return Refusal.badRequest("The request is not valid HTTP/1.1.", "malformed_request");
        }
        HttpVersion version = request.protocolVersion();
        if (!"HTTP".equals(version.protocolName())) {
            return Refusal.badRequest("The request is not valid HTTP/1.1.", "malformed_request");
        }
        if (version.majorVersion() != 1) {
            return new Refusal(ErrorCode.HTTP_VERSION_NOT_SUPPORTED,
                "HTTP/" + version.majorVersion() + "." + version.minorVersion() + " is not served on this connection; use HTTP/1.1.",
                "unsupported_http_version");
        }
        Refusal refusal = checkTarget(request);
        if (refusal == null) {
            refusal = checkHost(request);
        }
        if (refusal == null) {
            refusal = checkFraming(request);
        }
        if (refusal == null) {
            refusal = absoluteFormToOriginForm(request);
        }
        if (refusal == null) {
            removeH2cUpgrade(request.headers());
        }
        return refusal;
    }

    private static Refusal checkTarget(HttpRequest request) {
        String method = request.method().name();
        if (!TOKEN.matcher(method).matches()) {
            return Refusal.badRequest("The request method is not a valid token.", "invalid_method");
        }
        String target = request.uri();
        int query = target.indexOf('?');
        for (int i = 0; i < target.length(); i++) {
            char c = target.charAt(i);
            if (c <= 0x20 || c >= 0x7F) {
                if (target.startsWith("/") && (query < 0 || i < query)) {
                    // In the path: the answer path normalisation gives on every other engine.
                    return new Refusal(ErrorCode.INVALID_PATH, "The request path is not accepted: control characters, "
                        + "spaces and non-ASCII characters must be percent-encoded.", PathNormaliser.INVALID_CHARACTER);
                }
                return Refusal.badRequest("The request target contains a character outside visible ASCII.",
                    "invalid_request_target");
            }
        }
        if (HttpMethod.CONNECT.equals(request.method())) {
            return new Refusal(ErrorCode.NOT_IMPLEMENTED, "The gateway does not tunnel connections (CONNECT).", "connect");
        }
        if (target.startsWith("/") || absoluteForm(target) || "*".equals(target) && HttpMethod.OPTIONS.equals(request.method())) {
            return null;
        }
        return Refusal.badRequest("The request target must be a path, an absolute http(s) URI, or '*' for OPTIONS.",
            "invalid_request_target");
    }

    private static boolean absoluteForm(String target) {
        String lower = target.toLowerCase(Locale.ROOT);
        return lower.startsWith("http://") || lower.startsWith("https://");
    }

    private static Refusal checkHost(HttpRequest request) {
        List<String> hosts = request.headers().getAll(HttpHeaderNames.HOST);
        if (hosts.size() > 1) {
            return Refusal.badRequest("The request has more than one Host header.", "duplicate_host");
        }
        if (hosts.isEmpty()) {
            return request.protocolVersion().minorVersion() >= 1
                ? Refusal.badRequest("An HTTP/1.1 request needs a Host header.", "missing_host")
                : null;
        }
        String host = hosts.get(0);
        if (!host.isEmpty() && !HOST.matcher(host).matches()) {
            return Refusal.badRequest("The Host header is not a valid host.", "invalid_host");
        }
        return null;
    }

    private static Refusal checkFraming(HttpRequest request) {
        HttpHeaders headers = request.headers();
        List<String> lengths = headers.getAll(HttpHeaderNames.CONTENT_LENGTH);
        List<String> encodings = headers.getAll(HttpHeaderNames.TRANSFER_ENCODING);
        boolean lengthDropped = headers instanceof FramingHeaders framing && framing.contentLengthDropped;
        if (!encodings.isEmpty()) {
            if (lengthDropped || !lengths.isEmpty()) {
                return Refusal.badRequest("The request has both Content-Length and Transfer-Encoding.",
                    "content_length_with_transfer_encoding");
            }
            if (request.protocolVersion().minorVersion() == 0) {
                return Refusal.badRequest("An HTTP/1.0 request cannot use Transfer-Encoding.", "transfer_encoding_in_http_1_0");
            }
            return checkCodings(encodings);
        }
        boolean lengthMerged = headers instanceof FramingHeaders framing && framing.contentLengthMerged;
        if (lengthMerged || lengths.size() > 1 || lengths.size() == 1 && !DIGITS.matcher(lengths.get(0)).matches()) {
            return Refusal.badRequest("The request's Content-Length must be one decimal number.", "invalid_content_length");
        }
        return null;
    }

    private static Refusal checkCodings(List<String> encodings) {
        int codings = 0;
        int chunked = 0;
        boolean chunkedLast = false;
        for (String field : encodings) {
            for (String element : field.split(",", -1)) {
                String coding = element.strip();
                if (coding.isEmpty()) {
                    continue;
                }
                codings++;
                chunkedLast = CHUNKED.equalsIgnoreCase(coding);
                if (chunkedLast) {
                    chunked++;
                }
            }
        }
        if (codings == 0 || !chunkedLast) {
            return Refusal.badRequest("The request's Transfer-Encoding does not end with chunked, so its length is unknown.",
                "transfer_encoding_not_chunked");
        }
        if (chunked > 1) {
            return Refusal.badRequest("The request applies chunked more than once.", "chunked_twice");
        }
        if (codings > 1) {
            return new Refusal(ErrorCode.NOT_IMPLEMENTED, "The gateway accepts no transfer coding but chunked.",
                "unsupported_transfer_coding");
        }
        return null;
    }

    /**
     * An absolute-form target becomes origin-form. Its authority must name the same host as
     * {@code Host} (the default port of the scheme may be left out on either side); a mismatch is
     * refused, as HAProxy, Jetty and Kestrel do, rather than letting one layer route on {@code Host}
     * and another on the target (RFC 9112 §3.2.2 lets the target win; a client MUST send the same).
     */
    private static Refusal absoluteFormToOriginForm(HttpRequest request) {
        String target = request.uri();
        if (!absoluteForm(target)) {
            return null;
        }
        int authorityStart = target.indexOf("//") + 2;
        int authorityEnd = authorityStart;
        while (authorityEnd < target.length() && "/?#".indexOf(target.charAt(authorityEnd)) < 0) {
            authorityEnd++;
        }
        String authority = target.substring(authorityStart, authorityEnd);
        if (authority.isEmpty() || authority.indexOf('@') >= 0 || !HOST.matcher(authority).matches()) {
            return Refusal.badRequest("The absolute request target has no valid authority.", "invalid_request_target");
        }
        String defaultPort = target.regionMatches(true, 0, "https", 0, 5) ? ":443" : ":80";
        // Only an HTTP/1.0 request may come without Host (checkHost); its target then names the host.
        String host = request.headers().get(HttpHeaderNames.HOST);
        if (host != null && !withoutPort(authority, defaultPort).equalsIgnoreCase(withoutPort(host, defaultPort))) {
            return Refusal.badRequest("The Host header does not name the authority of the absolute request target.",
                "host_mismatch");
        }
        String rest = target.substring(authorityEnd);
        int fragment = rest.indexOf('#');
        if (fragment >= 0) {
            rest = rest.substring(0, fragment);
        }
        request.setUri(rest.startsWith("/") ? rest : "/" + rest);
        request.headers().set(HttpHeaderNames.HOST, authority);
        return null;
    }

    private static String withoutPort(String authority, String defaultPort) {
        return authority.endsWith(defaultPort) ? authority.substring(0, authority.length() - defaultPort.length()) : authority;
    }

    private static void removeH2cUpgrade(HttpHeaders headers) {
        String upgrade = headers.get(HttpHeaderNames.UPGRADE);
        if (upgrade != null) {
            for (String protocol : upgrade.split(",")) {
                if (protocol.strip().toLowerCase(Locale.ROOT).startsWith("h2c")) {
                    headers.remove(HttpHeaderNames.UPGRADE);
                    headers.remove(HTTP2_SETTINGS);
                    return;
                }
            }
        }
    }

    // ---------------------------------------------------------------- outbound

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (closing) {
            // Our refusal is the last thing on this connection.
            ReferenceCountUtil.release(msg);
            promise.tryFailure(new ClosedChannelException());
            return;
        }
        boolean interim = false;
        boolean upgraded = false;
        if (msg instanceof HttpResponse response) {
            int code = response.status().code();
            upgraded = code == 101;
            interim = code < 200 && !upgraded;
            if (!interim) {
                responseStarted = true;
            }
        }
        ctx.write(msg, promise);
        if (upgraded) {
            // The connection speaks another protocol now (a WebSocket); no more HTTP requests on it.
            ctx.executor().execute(() -> {
                if (ctx.pipeline().context(this) != null) {
                    ctx.pipeline().remove(this);
                }
            });
            return;
        }
        if (msg instanceof LastHttpContent && !interim && pending > 0) {
            pending--;
            responseStarted = false;
            if (pending == 0 && deferred != null) {
                FullHttpResponse refusal = deferred;
                deferred = null;
                ctx.flush();
                send(ctx, refusal);
            }
        }
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        if (deferred != null) {
            deferred.release();
            deferred = null;
        }
    }

    // ---------------------------------------------------------------- headers that remember

    /**
     * Creates {@link FramingHeaders} for requests, with the validation of the factory it wraps.
     */
    static final class FramingHeadersFactory implements HttpHeadersFactory {
        private final DefaultHttpHeadersFactory delegate;

        FramingHeadersFactory(HttpHeadersFactory delegate) {
            this.delegate = (DefaultHttpHeadersFactory) delegate;
        }

        @Override
        public HttpHeaders newHeaders() {
            return new FramingHeaders(delegate);
        }

        @Override
        public HttpHeaders newEmptyHeaders() {
            return delegate.newEmptyHeaders();
        }
    }

    /**
     * Request headers that remember whether Netty's decoder dropped a {@code Content-Length} because
     * {@code Transfer-Encoding: chunked} was present (it does, silently, for HTTP/1.1) or merged
     * several into the first (it does for HTTP/1.0), so that the handler can refuse the request
     * instead.
     */
    static final class FramingHeaders extends DefaultHttpHeaders {
        private boolean contentLengthDropped;
        private boolean contentLengthMerged;

        FramingHeaders(DefaultHttpHeadersFactory factory) {
            super(factory.getNameValidator(), factory.getValueValidator());
        }

        @Override
        public HttpHeaders remove(CharSequence name) {
            if (!contentLengthDropped && HttpHeaderNames.CONTENT_LENGTH.contentEqualsIgnoreCase(name)
                && contains(HttpHeaderNames.CONTENT_LENGTH) && contains(HttpHeaderNames.TRANSFER_ENCODING)) {
                contentLengthDropped = true;
            }
            return super.remove(name);
        }

        @Override
        public HttpHeaders set(CharSequence name, Object value) {
            // Netty keeps the first of several Content-Length values of an HTTP/1.0 request.
            if (HttpHeaderNames.CONTENT_LENGTH.contentEqualsIgnoreCase(name) && getAll(HttpHeaderNames.CONTENT_LENGTH).size() > 1) {
                contentLengthMerged = true;
            }
            return super.set(name, value);
        }
    }
}
