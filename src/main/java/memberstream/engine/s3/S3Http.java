package memberstream.engine.s3;

import java.io.ByteArrayInputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import memberstream.engine.protocol.EngineRequest;
import memberstream.engine.protocol.EngineResponse;
import org.w3c.dom.Document;

/**
 * The parts of S3's HTTP exchange every operation shares: the payload (plain or {@code aws-chunked}), its
 * checksums, user metadata, XML and empty answers, and S3's rules for decoding paths and query strings.
 * Stateless.
 */
final class S3Http {

    private S3Http() {
    }

    static AwsChunkedBody payload(EngineRequest request) {
        byte[] body = request.body() == null ? new byte[0] : request.body();
        if (AwsChunkedBody.isChunked(request.headers())) {
            return AwsChunkedBody.decode(body);
        }
        return new AwsChunkedBody(body, Map.of());
    }

    static String checksum(EngineRequest request, AwsChunkedBody body, String name) {
        String value = request.header(name);
        return value != null ? value.trim() : body.trailers().get(name);
    }

    static Map<String, String> userMetadata(EngineRequest request) {
        Map<String, String> metadata = new LinkedHashMap<>();
        request.headers().forEach((name, value) -> {
            if (name.startsWith("x-amz-meta-")) {
                metadata.put(name.substring("x-amz-meta-".length()), value);
            }
        });
        return metadata;
    }

    /** Checks Content-MD5 and CRC32/CRC32C checksums of a body that is not going through the store's digests. */
    static void verifyChecksums(EngineRequest request, AwsChunkedBody body) {
        byte[] bytes = body.payload();
        String contentMd5 = request.header("content-md5");
        if (contentMd5 != null) {
            try {
                byte[] expected = Base64.getDecoder().decode(contentMd5.trim());
                if (!MessageDigest.isEqual(expected, MessageDigest.getInstance("MD5").digest(bytes))) {
                    throw S3Error.BAD_DIGEST.exception();
                }
            } catch (IllegalArgumentException e) {
                throw S3Error.INVALID_DIGEST.exception();
            } catch (java.security.NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }
        String crc32 = checksum(request, body, "x-amz-checksum-crc32");
        if (crc32 != null && !crc32.equals(checksumBase64(new java.util.zip.CRC32(), bytes))) {
            throw S3Error.BAD_DIGEST.exception("The CRC32 you specified did not match the calculated checksum.");
        }
        String crc32c = checksum(request, body, "x-amz-checksum-crc32c");
        if (crc32c != null && !crc32c.equals(checksumBase64(new java.util.zip.CRC32C(), bytes))) {
            throw S3Error.BAD_DIGEST.exception("The CRC32C you specified did not match the calculated checksum.");
        }
    }

    private static String checksumBase64(java.util.zip.Checksum checksum, byte[] bytes) {
        checksum.update(bytes, 0, bytes.length);
        return DigestingOutputStream.checksumBase64(checksum);
    }

    static Document parseXml(byte[] body) throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        factory.setNamespaceAware(true);
        return factory.newDocumentBuilder().parse(new ByteArrayInputStream(body));
    }

    static EngineResponse xml(int status, byte[] body) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", "application/xml");
        return new EngineResponse(status, headers, body);
    }

    static EngineResponse empty(int status) {
        return new EngineResponse(status, new LinkedHashMap<>(), new byte[0]);
    }

    static String emptyToNull(String value) {
        return value == null || value.isEmpty() ? null : value;
    }

    /** Percent-decoding for paths: unlike form decoding, '+' stays a plus sign. */
    static String decodePath(String raw) {
        if (raw.indexOf('%') < 0) {
            return raw;
        }
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream(raw.length());
        int i = 0;
        while (i < raw.length()) {
            char c = raw.charAt(i);
            if (c == '%' && i + 2 < raw.length()
                    && isHex(raw.charAt(i + 1)) && isHex(raw.charAt(i + 2))) {
                bytes.write(HexFormat.fromHexDigits(raw, i + 1, i + 3));
                i += 3;
            } else {
                int codePoint = raw.codePointAt(i);
                bytes.writeBytes(new String(Character.toChars(codePoint)).getBytes(StandardCharsets.UTF_8));
                i += Character.charCount(codePoint);
            }
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    private static boolean isHex(char c) {
        return Character.digit(c, 16) >= 0;
    }

    static Map<String, String> parseQuery(String rawQuery) {
        Map<String, String> query = new HashMap<>();
        if (rawQuery == null || rawQuery.isEmpty()) {
            return query;
        }
        for (String pair : rawQuery.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int equals = pair.indexOf('=');
            try {
                String name = URLDecoder.decode(equals < 0 ? pair : pair.substring(0, equals), StandardCharsets.UTF_8);
                String value = equals < 0 ? "" : URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8);
                query.put(name, value);
            } catch (IllegalArgumentException badEscape) {
                throw S3Error.INVALID_URI.exception();
            }
        }
        return query;
    }
}
