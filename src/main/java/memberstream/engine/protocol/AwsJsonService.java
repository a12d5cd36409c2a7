package memberstream.engine.protocol;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.ThreadLocalRandom;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The protocol half of an AWS JSON 1.1 service (Kinesis, Firehose): accepts requests whose
 * {@code X-Amz-Target} starts with the service's prefix, finds the operation, decodes the body (JSON
 * or CBOR, answered in kind), checks it against the operation's {@link FieldRule}s and turns every
 * refusal into AWS's error shape ({@code __type}, {@code message}, status, {@code x-amzn-RequestId}).
 * An exception that is not an {@link AwsServiceException} is our bug: it becomes a 500
 * {@code InternalFailure} and is logged. Subclasses register their operations in the constructor;
 * after that the instance is read-only and thread-safe.
 */
public abstract class AwsJsonService implements EngineRoute {

    private static final Logger log = LoggerFactory.getLogger(AwsJsonService.class);

    /**
     * The answer of an operation whose model has no output shape (Kinesis's CreateStream, SplitShard,
     * ...): AWS answers those 200 with an empty body, in JSON and CBOR alike, not with {@code {}}.
     */
    protected static final Object NO_OUTPUT = new Object();

    private record Registered(List<FieldRule> rules, AwsOperation operation) {
    }

    private final String targetPrefix;
    private final Map<String, Registered> operations = new HashMap<>();
    private final Map<String, FastPath> fastPaths = new HashMap<>();
    private final WireCodec codec = new WireCodec();
    private final String defaultRegion;

    /** @param targetPrefix e.g. {@code Kinesis_20131202.} (with the dot) */
    protected AwsJsonService(String targetPrefix, String defaultRegion) {
        this.targetPrefix = targetPrefix;
        this.defaultRegion = defaultRegion;
    }

    protected final void register(String name, List<FieldRule> rules, AwsOperation operation) {
        operations.put(name, new Registered(rules, operation));
    }

    /** Adds a shortcut in front of a registered operation (see {@link FastPath}). */
    protected final void registerFastPath(String name, FastPath fastPath) {
        fastPaths.put(name, fastPath);
    }

    /** The codec, for fast paths that parse bodies themselves. */
    protected final WireCodec codec() {
        return codec;
    }

    @Override
    public boolean accepts(EngineRequest request) {
        String target = request.target();
        return target != null && target.startsWith(targetPrefix);
    }

    @Override
    public EngineResponse handle(EngineRequest request) {
        String requestId = UUID.randomUUID().toString();
        WireFormat format = WireFormat.fromContentType(request.header("content-type"));
        WireFormat answerFormat = format == null ? WireFormat.JSON : format;
        try {
            if (!"POST".equals(request.method())) {
                throw ProtocolError.ACCESS_DENIED.exception("Unable to determine service/operation name to be authorized");
            }
            String operationName = request.target().substring(targetPrefix.length());
            Registered registered = operations.get(operationName);
            if (registered == null) {
                throw ProtocolError.UNKNOWN_OPERATION.exception(null);
            }
            if (format == null) {
                throw ProtocolError.SERIALIZATION.exception("Unsupported Content-Type " + request.header("content-type")
                        + "; use " + WireFormat.JSON.contentType() + " or " + WireFormat.CBOR.contentType() + ".");
            }
            FastPath fastPath = fastPaths.get(operationName);
            if (fastPath != null) {
                Object answer = fastPath.tryAnswer(request.body(), format, region(request), requestId);
                if (answer != null) {
                    return respond(200, answer, answerFormat, requestId);
                }
            }
            var body = codec.read(request.body(), format);
            RequestValidator.validate(body, registered.rules());
            AwsCall call = new AwsCall(operationName, body, format, region(request), requestId);
            Object answer = registered.operation().invoke(call);
            if (answer instanceof EngineResponse streamed) {
                return streamed; // an event stream (SubscribeToShard), headers set by the operation
            }
            Map<String, String> extraHeaders = Map.of();
            if (answer instanceof WithHeaders withHeaders) {
                answer = withHeaders.answer();
                extraHeaders = withHeaders.headers();
            }
            EngineResponse response = respond(200, answer == null ? Map.of() : answer, answerFormat, requestId);
            response.headers().putAll(extraHeaders);
            return response;
        } catch (AwsServiceException e) {
            return error(e.code(), e.getMessage(), answerFormat, requestId, e.details());
        } catch (RuntimeException | StackOverflowError e) {
            log.error("Internal failure in {} (request {})", request.target(), requestId, e);
            return error(ProtocolError.INTERNAL_FAILURE, "Internal service failure.", answerFormat, requestId);
        }
    }

    /** Compiled once: {@code String.split} with a character class compiles its pattern on every request. */
    private static final java.util.regex.Pattern CREDENTIAL_PARTS = java.util.regex.Pattern.compile("[/,\\s]");

    private String region(EngineRequest request) {
        // Credential=<key>/<yyyyMMdd>/<region>/<service>/aws4_request, read by its parts (no backtracking).
        String authorization = request.header("authorization");
        if (authorization != null) {
            int at = authorization.indexOf("Credential=");
            if (at >= 0) {
                String[] parts = CREDENTIAL_PARTS.split(authorization.substring(at + "Credential=".length()), 5);
                if (parts.length >= 4 && Arn.digits(parts[1], 8) && Arn.wordChars(parts[2], "-")
                        && parts[2].chars().noneMatch(Character::isUpperCase)) {
                    return parts[2];
                }
            }
        }
        return defaultRegion;
    }

    private EngineResponse respond(int status, Object answer, WireFormat format, String requestId) {
        byte[] body = answer == NO_OUTPUT ? new byte[0] : codec.write(answer, format);
        return new EngineResponse(status, headers(format, requestId), body);
    }

    /** An AWS-shaped error answer; also used by the front door for failures before a route is chosen. */
    public EngineResponse error(AwsErrorCode code, String message, WireFormat format, String requestId) {
        return error(code, message, format, requestId, Map.of());
    }

    private EngineResponse error(AwsErrorCode code, String message, WireFormat format, String requestId,
                                 Map<String, Object> details) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("__type", code.type());
        body.put("message", message);
        body.putAll(details);
        Map<String, String> headers = headers(format, requestId);
        headers.put("x-amzn-ErrorType", code.type());
        return new EngineResponse(code.httpStatus(), headers, codec.write(body, format));
    }

    /** A JSON error answer without a service, for the front door. */
    public static EngineResponse jsonError(AwsErrorCode code, String message) {
        String body = "{\"__type\":\"" + code.type() + "\",\"message\":\"" + message.replace("\"", "'") + "\"}";
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", WireFormat.JSON.contentType());
        headers.put("x-amzn-RequestId", UUID.randomUUID().toString());
        headers.put("x-amzn-ErrorType", code.type());
        return new EngineResponse(code.httpStatus(), headers, body.getBytes(StandardCharsets.UTF_8));
    }

    private static Map<String, String> headers(WireFormat format, String requestId) {
        Map<String, String> headers = new LinkedHashMap<>(4);
        headers.put("Content-Type", format.contentType());
        headers.put("x-amzn-RequestId", requestId);
        headers.put("x-amz-id-2", id2());
        return headers;
    }

    private static String id2() {
        byte[] bytes = new byte[48];
        ThreadLocalRandom.current().nextBytes(bytes);
        return Base64.getEncoder().encodeToString(bytes);
    }
}
