package io.gatehouse.lambda;

import io.micronaut.function.BinaryTypeConfiguration;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * How a response body travels in the JSON that API Gateway reads: as text only when it is text
 * that survives the trip, otherwise base64 with {@code isBase64Encoded: true}.
 *
 * <p>micronaut-aws base64-encodes only the media types of {@code micronaut.function.binary-types}
 * (five by default: octet-stream, JPEG, PNG, GIF, zip) and decodes every other body as text in the
 * response's charset. A proxy passes on whatever its upstreams answer, so a PDF, a WebP image or a
 * Latin-1 page would reach the client with its bytes replaced. Here a body goes as text only when
 * its media type is textual, its charset (if named) is UTF-8 or US-ASCII, and its bytes are valid
 * UTF-8: the Lambda runtime writes the response as UTF-8 JSON, so only then does the client get
 * the exact bytes the upstream sent.
 */
final class ResponseBodies {

    private ResponseBodies() {
    }

    /**
     * @param contentType the response's {@code Content-Type}, or {@code null}
     * @param body        the body bytes
     * @param configured  micronaut-aws's binary media types
     * @return whether the body must go base64-encoded
     */
    static boolean base64(String contentType, byte[] body, BinaryTypeConfiguration configured) {
        if (body.length == 0) {
            return false;
        }
        if (contentType == null || contentType.isBlank()) {
            return !utf8(body);
        }
        String type = contentType.toLowerCase(Locale.ROOT);
        String mediaType = type.split(";")[0].trim();
        if (configured.isMediaTypeBinary(mediaType) || !textual(mediaType) || !utf8Charset(type)) {
            return true;
        }
        return !utf8(body);
    }

    private static boolean textual(String mediaType) {
        return mediaType.startsWith("text/")
            || mediaType.endsWith("/json") || mediaType.endsWith("+json")
            || mediaType.endsWith("/xml") || mediaType.endsWith("+xml")
            || mediaType.endsWith("/javascript") || mediaType.endsWith("/ecmascript")
            || mediaType.equals("application/x-www-form-urlencoded")
            || mediaType.equals("application/graphql")
            || mediaType.equals("application/x-ndjson");
    }

    private static boolean utf8Charset(String contentType) {
        int at = contentType.indexOf("charset=");
        if (at < 0) {
            return true;
        }
        String charset = contentType.substring(at + "charset=".length()).split(";")[0].trim().replace("\"", "");
        return charset.equals("utf-8") || charset.equals("utf8") || charset.equals("us-ascii");
    }

    private static boolean utf8(byte[] body) {
        try {
            StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT)
                .decode(ByteBuffer.wrap(body));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }
}
