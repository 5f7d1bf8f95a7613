package io.gatehouse.route;

import io.micronaut.context.annotation.ConfigurationProperties;

import java.util.Locale;

/**
 * Settings of path normalisation, under {@code gateway.path-normalisation.*}. There is no switch
 * to turn normalisation off: without it a route's authentication could be bypassed by any upstream
 * that normalises paths itself (see {@code docs/reliability.md#path-normalisation}).
 */
@ConfigurationProperties(PathNormalisationConfiguration.PREFIX)
public class PathNormalisationConfiguration {

    /** The prefix of the path normalisation settings. */
    public static final String PREFIX = "gateway.path-normalisation";

    /** By default an encoded slash ({@code %2F}) in a path is refused with 400. */
    public static final String DEFAULT_ENCODED_SLASH = "reject";

    /**
     * What the gateway does with an encoded slash ({@code %2F}) in a request path.
     */
    public enum EncodedSlash {
        /** Refuse the request with 400 {@code invalid_path}, reason {@code encoded_slash}. */
        REJECT,
        /**
         * Keep {@code %2F} encoded, as part of its segment, for matching and forwarding. Safe only
         * when every upstream behind the gateway also treats {@code %2F} as data rather than as
         * a separator.
         */
        KEEP
    }

    private EncodedSlash encodedSlash = EncodedSlash.valueOf(DEFAULT_ENCODED_SLASH.toUpperCase(Locale.ROOT));

    /**
     * What an encoded slash ({@code %2F}) in a request path gets: {@code reject} (400) or
     * {@code keep} (kept encoded, inside its segment). Default {@value #DEFAULT_ENCODED_SLASH}.
     *
     * @return the action
     */
    public EncodedSlash getEncodedSlash() {
        return encodedSlash;
    }

    /**
     * @param encodedSlash the action
     */
    public void setEncodedSlash(EncodedSlash encodedSlash) {
        this.encodedSlash = encodedSlash;
    }

    /**
     * @return the normaliser these settings describe
     */
    public PathNormaliser normaliser() {
        return encodedSlash == EncodedSlash.KEEP ? new PathNormaliser(true) : PathNormaliser.DEFAULT;
    }
}
