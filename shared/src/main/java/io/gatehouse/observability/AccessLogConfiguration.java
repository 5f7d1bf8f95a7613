package io.gatehouse.observability;

import io.micronaut.context.annotation.ConfigurationProperties;

import java.util.List;
import java.util.Locale;

/**
 * The access log, under {@code gateway.access-log.*}: one line per request on the
 * {@value AccessLog#LOGGER} logger. See {@code docs/observability.md}.
 */
@ConfigurationProperties(AccessLogConfiguration.PREFIX)
public class AccessLogConfiguration {

    /** The prefix of these settings. */
    public static final String PREFIX = "gateway.access-log";

    /** Whether the access log is written by default. */
    public static final boolean DEFAULT_ENABLED = true;

    /** The default line format. */
    public static final String DEFAULT_FORMAT = "json";

    /** Whether lines are written by a background thread by default. */
    public static final boolean DEFAULT_ASYNC = true;

    /** How many lines may wait for the background writer by default. */
    public static final int DEFAULT_QUEUE_SIZE = 8192;

    /** The query parameters whose values are redacted by default (names compared ignoring case). */
    public static final String DEFAULT_REDACT_QUERY_PARAMS = "access_token,id_token,refresh_token,token,code,api_key,apikey,"
        + "key,password,passwd,secret,client_secret,signature,sig,session,x-amz-signature,x-amz-security-token,x-amz-credential";

    /** How a line is written. */
    public enum Format {
        /** One JSON object per line. */
        JSON,
        /** A short human-readable line, for a terminal. */
        TEXT
    }

    private boolean enabled = DEFAULT_ENABLED;
    private Format format = Format.JSON;
    private boolean async = DEFAULT_ASYNC;
    private int queueSize = DEFAULT_QUEUE_SIZE;
    private List<String> redactQueryParams = List.of(DEFAULT_REDACT_QUERY_PARAMS.split(","));

    /**
     * Whether a line is written per request. Default {@value #DEFAULT_ENABLED}.
     *
     * @return whether the access log is on
     */
    public boolean isEnabled() {
        return enabled;
    }

    /**
     * @param enabled whether the access log is on
     */
    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    /**
     * {@code json} (one JSON object per line, default {@value #DEFAULT_FORMAT}) or {@code text}
     * (what {@code bin/gatehouse run} sets when a terminal is attached).
     *
     * @return the format
     */
    public Format getFormat() {
        return format;
    }

    /**
     * @param format the format
     */
    public void setFormat(Format format) {
        this.format = format;
    }

    /**
     * Whether a background thread writes the lines, so a slow disk or pipe never holds a request
     * up (a full queue drops the line and counts it). Off on Lambda, where each invocation writes
     * its line before it returns. Default {@value #DEFAULT_ASYNC}.
     *
     * @return whether writing is asynchronous
     */
    public boolean isAsync() {
        return async;
    }

    /**
     * @param async whether writing is asynchronous
     */
    public void setAsync(boolean async) {
        this.async = async;
    }

    /**
     * How many lines may wait for the background writer. Default {@value #DEFAULT_QUEUE_SIZE}.
     *
     * @return the queue's size
     */
    public int getQueueSize() {
        return queueSize;
    }

    /**
     * @param queueSize the queue's size, at least 1
     */
    public void setQueueSize(int queueSize) {
        this.queueSize = Math.max(1, queueSize);
    }

    /**
     * Query parameters whose values the log shows as {@code REDACTED}, compared ignoring case.
     * Default {@value #DEFAULT_REDACT_QUERY_PARAMS}.
     *
     * @return the parameter names
     */
    public List<String> getRedactQueryParams() {
        return redactQueryParams;
    }

    /**
     * @param redactQueryParams the parameter names
     */
    public void setRedactQueryParams(List<String> redactQueryParams) {
        this.redactQueryParams = redactQueryParams.stream().map(p -> p.trim().toLowerCase(Locale.ROOT)).filter(p -> !p.isEmpty()).toList();
    }
}
