package memberstream.engine.protocol;

import io.netty.buffer.ByteBuf;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Locale;

/**
 * Verifies the chunk signatures of an S3 {@code aws-chunked} body sent with
 * {@code x-amz-content-sha256: STREAMING-AWS4-HMAC-SHA256-PAYLOAD[-TRAILER]}.
 *
 * <p>The format: chunks {@code <hex size>;chunk-signature=<64 hex>\r\n<size bytes>\r\n}, ending with a chunk
 * of size 0. Each chunk's signature is {@code HMAC(signingKey, "AWS4-HMAC-SHA256-PAYLOAD\n" + amzDate + "\n"
 * + scope + "\n" + previousSignature + "\n" + sha256("") + "\n" + sha256(chunk))}, where the first
 * previous signature is the request's own (the seed), so the chain fixes the order and the end. In the
 * {@code -TRAILER} mode trailer headers follow the last chunk ({@code name:value\r\n}, say
 * {@code x-amz-checksum-crc32}) and then {@code x-amz-trailer-signature:<64 hex>}, which signs
 * {@code "AWS4-HMAC-SHA256-TRAILER\n" + amzDate + "\n" + scope + "\n" + lastChunkSignature + "\n"
 * + sha256("name:value\n" for each trailer)}. The body is only read here; S3's route decodes it. Stateless.
 */
final class ChunkSignatures {

    private static final int MAX_LINE = 4096;
    private static final String SIGNATURE_PREFIX = "chunk-signature=";
    private static final String TRAILER_SIGNATURE = "x-amz-trailer-signature";

    private ChunkSignatures() {
    }

    static void verify(ByteBuf body, byte[] signingKey, String amzDate, String scope, String seedSignature, boolean trailer) {
        String prefix = amzDate + '\n' + scope + '\n';
        int at = body.readerIndex();
        int end = body.writerIndex();
        String previous = seedSignature;
        while (true) {
            int lineEnd = lineEnd(body, at, end);
            String header = body.toString(at, lineEnd - at, StandardCharsets.US_ASCII);
            int semicolon = header.indexOf(';');
            String hexSize = semicolon < 0 ? header : header.substring(0, semicolon);
            String extension = semicolon < 0 ? "" : header.substring(semicolon + 1).trim();
            int size = parseSize(hexSize.trim());
            if (!extension.startsWith(SIGNATURE_PREFIX)) {
                throw mismatch("A chunk of the aws-chunked body carries no chunk-signature.");
            }
            String signature = extension.substring(SIGNATURE_PREFIX.length()).trim();
            at = lineEnd + 2;
            if (size > end - at) {
                throw new FrontDoorRefusal(FrontDoorError.CHUNKED_BODY_MALFORMED,
                        "The aws-chunked body ended inside a chunk.");
            }
            MessageDigest digest = SigningKeys.sha256();
            if (size > 0) {
                ByteBuffer chunk = body.nioBuffer(at, size);
                digest.update(chunk);
            }
            String stringToSign = "AWS4-HMAC-SHA256-PAYLOAD\n" + prefix + previous + '\n' + SigningKeys.EMPTY_SHA256
                    + '\n' + SigningKeys.hex(digest.digest());
            String expected = SigningKeys.hex(SigningKeys.hmac(signingKey, stringToSign));
            if (!SigningKeys.sameSignature(expected, signature)) {
                throw mismatch("The chunk-signature of a chunk of the aws-chunked body does not match.");
            }
            previous = expected;
            at += size;
            if (size == 0) {
                break;
            }
            if (end - at < 2 || body.getByte(at) != '\r' || body.getByte(at + 1) != '\n') {
                throw new FrontDoorRefusal(FrontDoorError.CHUNKED_BODY_MALFORMED,
                        "A chunk of the aws-chunked body is longer than its size says.");
            }
            at += 2;
        }
        if (trailer) {
            verifyTrailer(body, at, end, signingKey, prefix, previous);
        }
    }

    private static void verifyTrailer(ByteBuf body, int at, int end, byte[] signingKey, String prefix, String previous) {
        StringBuilder canonical = new StringBuilder();
        String trailerSignature = null;
        while (at < end) {
            int lineEnd = lineEndOrEnd(body, at, end);
            String line = body.toString(at, lineEnd - at, StandardCharsets.UTF_8);
            at = Math.min(end, lineEnd + 2);
            if (line.isEmpty()) {
                continue;
            }
            int colon = line.indexOf(':');
            if (colon <= 0) {
                throw new FrontDoorRefusal(FrontDoorError.CHUNKED_BODY_MALFORMED, "Malformed trailer line in the aws-chunked body.");
            }
            String name = line.substring(0, colon).trim().toLowerCase(Locale.ROOT);
            String value = line.substring(colon + 1).trim();
            if (TRAILER_SIGNATURE.equals(name)) {
                trailerSignature = value;
            } else {
                canonical.append(name).append(':').append(value).append('\n');
            }
        }
        if (canonical.isEmpty() && trailerSignature == null) {
            return;
        }
        if (trailerSignature == null) {
            throw mismatch("The aws-chunked body's trailer carries no x-amz-trailer-signature.");
        }
        String stringToSign = "AWS4-HMAC-SHA256-TRAILER\n" + prefix + previous + '\n'
                + SigningKeys.sha256Hex(canonical.toString());
        if (!SigningKeys.sameSignature(SigningKeys.hex(SigningKeys.hmac(signingKey, stringToSign)), trailerSignature)) {
            throw mismatch("The x-amz-trailer-signature of the aws-chunked body does not match.");
        }
    }

    private static int parseSize(String hex) {
        if (hex.isEmpty() || hex.length() > 8) {
            throw new FrontDoorRefusal(FrontDoorError.CHUNKED_BODY_MALFORMED, "Malformed aws-chunked chunk size.");
        }
        long size = 0;
        for (int i = 0; i < hex.length(); i++) {
            int digit = Character.digit(hex.charAt(i), 16);
            if (digit < 0) {
                throw new FrontDoorRefusal(FrontDoorError.CHUNKED_BODY_MALFORMED, "Malformed aws-chunked chunk size.");
            }
            size = size * 16 + digit;
        }
        if (size > Integer.MAX_VALUE) {
            throw new FrontDoorRefusal(FrontDoorError.CHUNKED_BODY_MALFORMED, "Malformed aws-chunked chunk size.");
        }
        return (int) size;
    }

    /** The index of the CRLF ending the line at {@code from}; refuses a missing or overlong line. */
    private static int lineEnd(ByteBuf body, int from, int end) {
        int limit = Math.min(end - 1, from + MAX_LINE);
        for (int i = from; i < limit; i++) {
            if (body.getByte(i) == '\r' && body.getByte(i + 1) == '\n') {
                return i;
            }
        }
        throw new FrontDoorRefusal(FrontDoorError.CHUNKED_BODY_MALFORMED,
                "The aws-chunked body ended inside a chunk header.");
    }

    private static int lineEndOrEnd(ByteBuf body, int from, int end) {
        for (int i = from; i + 1 < end; i++) {
            if (body.getByte(i) == '\r' && body.getByte(i + 1) == '\n') {
                return i;
            }
        }
        return end;
    }

    private static FrontDoorRefusal mismatch(String why) {
        return new FrontDoorRefusal(FrontDoorError.SIGNATURE_MISMATCH, "The request signature we calculated does not "
                + "match the signature you provided. Check your key and signing method. (" + why + ")");
    }
}
