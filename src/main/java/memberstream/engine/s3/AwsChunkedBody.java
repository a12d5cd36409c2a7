package memberstream.engine.s3;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Decodes the {@code aws-chunked} content encoding the SDKs use for streaming SigV4 uploads
 * ({@code x-amz-content-sha256: STREAMING-...}): {@code <hex size>[;chunk-signature=...]\r\n<bytes>\r\n}
 * repeated, a zero-size chunk, then optional trailer headers such as {@code x-amz-checksum-crc32}
 * and a blank line. Chunk signatures were verified by the front door before the body gets here.
 */
record AwsChunkedBody(byte[] payload, Map<String, String> trailers) {

    static boolean isChunked(Map<String, String> headers) {
        String encoding = headers.get("content-encoding");
        String sha = headers.get("x-amz-content-sha256");
        return (encoding != null && encoding.toLowerCase(Locale.ROOT).contains("aws-chunked"))
                || (sha != null && sha.startsWith("STREAMING-"));
    }

    static AwsChunkedBody decode(byte[] body) {
        ByteArrayOutputStream payload = new ByteArrayOutputStream(body.length);
        Map<String, String> trailers = new LinkedHashMap<>();
        int at = 0;
        while (true) {
            int lineEnd = indexOfCrlf(body, at);
            if (lineEnd < 0) {
                throw S3Error.INCOMPLETE_BODY.exception("The aws-chunked body ended inside a chunk header.");
            }
            String header = new String(body, at, lineEnd - at, StandardCharsets.US_ASCII);
            int semicolon = header.indexOf(';');
            String hex = (semicolon >= 0 ? header.substring(0, semicolon) : header).trim();
            int size;
            try {
                size = Integer.parseInt(hex, 16);
            } catch (NumberFormatException e) {
                throw S3Error.INVALID_REQUEST.exception("Malformed aws-chunked chunk header: " + abbreviate(header));
            }
            at = lineEnd + 2;
            if (size < 0 || hex.startsWith("+") || hex.startsWith("-")) {
                throw S3Error.INVALID_REQUEST.exception("Malformed aws-chunked chunk header: " + abbreviate(header));
            }
            if (size == 0) {
                break;
            }
            if (size > body.length - at) {
                throw S3Error.INCOMPLETE_BODY.exception();
            }
            payload.write(body, at, size);
            at += size;
            if (at + 2 <= body.length && body[at] == '\r' && body[at + 1] == '\n') {
                at += 2;
            }
        }
        while (at < body.length) {
            int lineEnd = indexOfCrlf(body, at);
            int end = lineEnd < 0 ? body.length : lineEnd;
            String line = new String(body, at, end - at, StandardCharsets.UTF_8);
            at = lineEnd < 0 ? body.length : lineEnd + 2;
            if (line.isEmpty()) {
                continue;
            }
            int colon = line.indexOf(':');
            if (colon > 0) {
                trailers.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
            }
        }
        return new AwsChunkedBody(payload.toByteArray(), trailers);
    }

    private static String abbreviate(String text) {
        return text.length() > 64 ? text.substring(0, 64) + "..." : text;
    }

    private static int indexOfCrlf(byte[] body, int from) {
        for (int i = from; i + 1 < body.length; i++) {
            if (body[i] == '\r' && body[i + 1] == '\n') {
                return i;
            }
        }
        return -1;
    }
}
