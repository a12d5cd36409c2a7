package memberstream.engine.protocol;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * Errors the front door answers before, or instead of, a route (a malformed or oversized request, too
 * many bytes in flight, a route's own fault), shaped in the caller's protocol: a request with an
 * {@code X-Amz-Target} is a JSON 1.1 call (Kinesis, Firehose) and gets {@code __type} and
 * {@code message} in JSON, or in CBOR when it was sent in CBOR; any other request is an S3 REST call
 * and gets S3's {@code <Error>} XML. Stateless and thread-safe.
 */
public final class CallerProtocolErrors {

    private static final WireCodec CODEC = new WireCodec();

    private CallerProtocolErrors() {
    }

    /** One error in both vocabularies: the JSON services' {@code __type} and S3's {@code Code}. */
    public enum Kind {
        MALFORMED(400, "SerializationException", "InvalidRequest"),
        TOO_LARGE(413, "RequestEntityTooLargeException", "EntityTooLarge"),
        BUSY(503, "ServiceUnavailableException", "SlowDown"),
        TIMEOUT(408, "RequestTimeoutException", "RequestTimeout"),
        UNKNOWN_OPERATION(400, "UnknownOperationException", "NotImplemented"),
        INTERNAL(500, "InternalFailure", "InternalError");

        final int status;
        final String jsonType;
        final String s3Code;

        Kind(int status, String jsonType, String s3Code) {
            this.status = status;
            this.jsonType = jsonType;
            this.s3Code = s3Code;
        }
    }

    /** @param headers the request's headers, names in lower case */
    public static EngineResponse error(String method, Map<String, String> headers, Kind kind, String message) {
        String requestId = UUID.randomUUID().toString();
        Map<String, String> answerHeaders = new LinkedHashMap<>();
        if (headers.get("x-amz-target") != null) {
            WireFormat format = WireFormat.fromContentType(headers.get("content-type"));
            if (format == null) {
                format = WireFormat.JSON;
            }
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("__type", kind.jsonType);
            body.put("message", message);
            answerHeaders.put("Content-Type", format.contentType());
            answerHeaders.put("x-amzn-RequestId", requestId);
            answerHeaders.put("x-amzn-ErrorType", kind.jsonType);
            return new EngineResponse(kind.status, answerHeaders, CODEC.write(body, format));
        }
        answerHeaders.put("x-amz-request-id", requestId);
        if ("HEAD".equals(method)) {
            return new EngineResponse(kind.status, answerHeaders, new byte[0]);
        }
        answerHeaders.put("Content-Type", "application/xml");
        String xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>" + kind.s3Code + "</Code><Message>"
                + xmlText(message) + "</Message><RequestId>" + requestId + "</RequestId></Error>";
        return new EngineResponse(kind.status, answerHeaders, xml.getBytes(StandardCharsets.UTF_8));
    }

    /** Text safe inside an XML 1.0 element: markup escaped, characters XML cannot hold replaced. */
    static String xmlText(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                default -> {
                    boolean legal = c == '\t' || c == '\n' || c == '\r' || (c >= 0x20 && c <= 0xD7FF) || (c >= 0xE000 && c <= 0xFFFD)
                            || (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1)))
                            || (Character.isLowSurrogate(c) && i > 0 && Character.isHighSurrogate(text.charAt(i - 1)));
                    out.append(legal ? String.valueOf(c) : String.format(Locale.ROOT, "\\u%04X", (int) c));
                }
            }
        }
        return out.toString();
    }
}
