package io.gatehouse.container.proxy;

import io.gatehouse.proxy.ForwardingHeaders;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.AsciiString;

import java.util.List;

/**
 * {@link ForwardingHeaders}' hop-by-hop rule applied to Netty headers in place, with the header
 * names pre-built as {@link AsciiString}s so that the hot path does not allocate them.
 */
final class HeaderRules {

    private static final AsciiString[] HOP_BY_HOP = ForwardingHeaders.HOP_BY_HOP.stream()
        .map(AsciiString::cached).toArray(AsciiString[]::new);

    private HeaderRules() {
    }

    /**
     * Removes the hop-by-hop headers and every header {@code Connection} names (RFC 9110 §7.6.1).
     *
     * @param headers the headers, changed in place
     */
    static void stripHopByHop(HttpHeaders headers) {
        if (headers.contains(HttpHeaderNames.CONNECTION)) {
            List<String> values = headers.getAll(HttpHeaderNames.CONNECTION);
            for (String token : ForwardingHeaders.connectionTokens(values)) {
                headers.remove(token);
            }
        }
        for (AsciiString name : HOP_BY_HOP) {
            headers.remove(name);
        }
    }
}
