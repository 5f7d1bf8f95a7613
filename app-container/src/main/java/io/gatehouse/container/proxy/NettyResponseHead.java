package io.gatehouse.container.proxy;

import io.gatehouse.policy.ResponseHead;
import io.micronaut.core.annotation.Internal;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.AsciiString;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A response written by a Netty handler (the streaming engine's, or an early refusal of the
 * container's front door) as response-side policy steps see it.
 *
 * <p>Header names, and the values steps set with {@link #setFixed}, are kept as {@link AsciiString}s
 * once seen: Netty then validates, hashes and encodes them by copying bytes rather than character
 * by character on every response. Names come from the gateway's code and route definitions, so
 * they are few; the cache stops growing at {@value #MAX_CACHED} entries all the same.
 *
 * @param status  its status
 * @param headers its headers, changed in place
 * @param body    its whole body when the engine has it (a step's own answer), else {@code null}
 */
@Internal
public record NettyResponseHead(int status, HttpHeaders headers, byte[] body) implements ResponseHead {

    private static final int MAX_CACHED = 4096;
    private static final ConcurrentHashMap<String, AsciiString> ASCII = new ConcurrentHashMap<>();

    /** The {@link AsciiString} form of a name or a fixed value; the string itself when the cache is full. */
    static CharSequence ascii(String text) {
        AsciiString cached = ASCII.get(text);
        if (cached != null) {
            return cached;
        }
        if (ASCII.size() >= MAX_CACHED) {
            return text;
        }
        return ASCII.computeIfAbsent(text, AsciiString::cached);
    }

    @Override
    public String header(String name) {
        return headers.get(ascii(name));
    }

    @Override
    public List<String> headers(String name) {
        return headers.getAll(ascii(name));
    }

    @Override
    public void set(String name, String value) {
        headers.set(ascii(name), value);
    }

    @Override
    public void setFixed(String name, String value) {
        headers.set(ascii(name), ascii(value));
    }

    @Override
    public void add(String name, String value) {
        headers.add(ascii(name), value);
    }

    @Override
    public void remove(String name) {
        headers.remove(ascii(name));
    }

    @Override
    public List<String> names() {
        return new ArrayList<>(headers.names());
    }
}
