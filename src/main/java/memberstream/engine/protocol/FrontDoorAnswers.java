package memberstream.engine.protocol;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * The front door's answers in the caller's protocol: a refusal as AWS's JSON or CBOR error
 * ({@code __type}, {@code message}, {@code x-amzn-ErrorType}) for requests with an {@code X-Amz-Target},
 * as S3's XML {@code <Error>} (no body for HEAD) for the rest; and the CORS preflight answer. Every
 * answer carries a {@code Date} from the engine's clock: the SDKs correct their clock skew from it.
 * Stateless.
 */
final class FrontDoorAnswers {

    private static final WireCodec CODEC = new WireCodec();

    private FrontDoorAnswers() {
    }

    static FullHttpResponse refusal(FullHttpRequest request, FrontDoorRefusal refusal, Instant now) {
        FrontDoorError error = refusal.error();
        boolean json = request.headers().contains("x-amz-target");
        FullHttpResponse response;
        if (json) {
            WireFormat format = WireFormat.fromContentType(request.headers().get("content-type"));
            WireFormat answerFormat = format == null ? WireFormat.JSON : format;
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("__type", error.jsonType());
            body.put("message", refusal.getMessage());
            response = response(error.jsonStatus(), CODEC.write(body, answerFormat));
            response.headers().set(HttpHeaderNames.CONTENT_TYPE, answerFormat.contentType());
            response.headers().set("x-amzn-RequestId", UUID.randomUUID().toString());
            response.headers().set("x-amzn-ErrorType", error.jsonType());
        } else {
            String requestId = UUID.randomUUID().toString().replace("-", "").substring(0, 16).toUpperCase(Locale.ROOT);
            boolean head = HttpMethod.HEAD.equals(request.method());
            response = response(error.s3Status(), head ? new byte[0] : s3Error(error.s3Code(), refusal.getMessage(),
                    refusal.s3Details(), requestId));
            if (!head) {
                response.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/xml");
            }
            response.headers().set("x-amz-request-id", requestId);
            response.headers().set("x-amz-id-2", requestId);
        }
        response.headers().set(HttpHeaderNames.DATE, DateTimeFormatter.RFC_1123_DATE_TIME.withZone(ZoneOffset.UTC).format(now));
        return response;
    }

    static FullHttpResponse preflight(FullHttpRequest request, String origin) {
        FullHttpResponse response = response(200, new byte[0]);
        addCorsHeaders(response, origin);
        response.headers().set("Access-Control-Allow-Methods", CorsOrigins.ALLOWED_METHODS);
        String requested = request.headers().get("access-control-request-headers");
        if (requested != null) {
            response.headers().set("Access-Control-Allow-Headers", requested);
        }
        response.headers().set("Access-Control-Max-Age", "600");
        return response;
    }

    static void addCorsHeaders(io.netty.handler.codec.http.HttpResponse response, String origin) {
        response.headers().set("Access-Control-Allow-Origin", origin);
        response.headers().set("Access-Control-Expose-Headers", CorsOrigins.EXPOSED_HEADERS);
        response.headers().add("Vary", "Origin");
    }

    private static FullHttpResponse response(int status, byte[] body) {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(status),
                Unpooled.wrappedBuffer(body));
        response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
        return response;
    }

    static byte[] s3Error(String code, String message, Map<String, String> details, String requestId) {
        StringBuilder xml = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error>");
        element(xml, "Code", code);
        element(xml, "Message", message);
        details.forEach((name, value) -> element(xml, name, value));
        element(xml, "RequestId", requestId);
        element(xml, "HostId", requestId);
        return xml.append("</Error>").toString().getBytes(StandardCharsets.UTF_8);
    }

    private static void element(StringBuilder xml, String name, String value) {
        xml.append('<').append(name).append('>');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '<' -> xml.append("&lt;");
                case '>' -> xml.append("&gt;");
                case '&' -> xml.append("&amp;");
                case '"' -> xml.append("&quot;");
                case '\n', '\r', '\t' -> xml.append("&#").append((int) c).append(';');
                default -> {
                    // XML 1.0 has no way to carry other control characters or lone surrogates.
                    if (c < 0x20 || Character.isSurrogate(c) || c == 0xFFFE || c == 0xFFFF) {
                        xml.append('?');
                    } else {
                        xml.append(c);
                    }
                }
            }
        }
        xml.append("</").append(name).append('>');
    }
}
