package memberstream.engine.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaders;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Checks AWS Signature Version 4 as AWS does, for the three services behind the engine's port.
 *
 * <p>The protocol: the client builds a <em>canonical request</em> (method, URI-encoded path, the query
 * parameters sorted and encoded, the signed headers {@code name:value} in order, the list of signed
 * header names, and the payload's hex SHA-256), hashes it into a <em>string to sign</em>
 * ({@code AWS4-HMAC-SHA256}, the {@code X-Amz-Date}, the scope {@code <yyyymmdd>/<region>/<service>/aws4_request},
 * the hash), and sends {@code HMAC(signingKey, stringToSign)} in hex, either in the
 * {@code Authorization: AWS4-HMAC-SHA256 Credential=<key>/<scope>, SignedHeaders=..., Signature=...}
 * header or in a presigned URL's query ({@code X-Amz-Algorithm}, {@code X-Amz-Credential},
 * {@code X-Amz-Date}, {@code X-Amz-Expires}, {@code X-Amz-SignedHeaders}, {@code X-Amz-Signature}).
 * This class recomputes the same signature with the secret it knows for the access key and compares.
 * The path is URI-encoded once for S3 and twice for the others (as the SDKs do). S3 states the payload
 * hash in {@code x-amz-content-sha256}: a hex hash (checked against the body), {@code UNSIGNED-PAYLOAD},
 * or a {@code STREAMING-*} mode whose aws-chunked body carries a signature per chunk
 * ({@link ChunkSignatures}); the JSON services always sign their body. A header-signed request more than
 * 15 minutes off the engine's clock is refused; a presigned one after {@code X-Amz-Date + X-Amz-Expires}
 * (at most 7 days). Time comes from the injected clock.
 *
 * <p>Cheap on the hot path: signing keys are cached ({@link SigningKeys}), one SHA-256 of the body and two
 * small hashes per request. Thread-safe.
 */
public final class SigV4Verifier {

    static final String ALGORITHM = "AWS4-HMAC-SHA256";
    static final Duration MAX_SKEW = Duration.ofMinutes(15);
    static final long MAX_PRESIGNED_SECONDS = 7 * 24 * 3600;
    static final String UNSIGNED_PAYLOAD = "UNSIGNED-PAYLOAD";
    static final String STREAMING_SIGNED = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD";
    static final String STREAMING_SIGNED_TRAILER = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER";
    static final String STREAMING_UNSIGNED_TRAILER = "STREAMING-UNSIGNED-PAYLOAD-TRAILER";
    private static final DateTimeFormatter AMZ_DATE =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
    private static final String SIGNATURE_MISMATCH_JSON = "The request signature we calculated does not match the "
            + "signature you provided. Check your AWS Secret Access Key and signing method. Consult the service "
            + "documentation for details.";
    private static final String SIGNATURE_MISMATCH_S3 = "The request signature we calculated does not match the "
            + "signature you provided. Check your key and signing method.";

    /** AWS's words, plus how to make the AWS CLI v1 presign with SigV4. */
    private static final String SIGV2_REFUSED = "The authorization mechanism you have provided is not supported. "
            + "Please use " + ALGORITHM + ". (AWS CLI v1: aws configure set default.s3.signature_version s3v4)";

    private final SigningKeys keys;
    private final Clock clock;

    /** @param secrets secret access key by access key id */
    public SigV4Verifier(Map<String, String> secrets, Clock clock) {
        this.keys = new SigningKeys(secrets);
        this.clock = clock;
    }

    /** What a request says about its signature, parsed from the Authorization header or the query. */
    record Credential(String accessKeyId, String date, String region, String service, String amzDate,
                      List<String> signedHeaders, String signature) {
        String scope() {
            return date + '/' + region + '/' + service + "/aws4_request";
        }
    }

    /**
     * Verifies one request or throws {@link FrontDoorRefusal}.
     *
     * @param service the service the request is for: {@code s3}, {@code kinesis}, {@code firehose}, or null
     *                when it cannot be told (then the scope's service is taken as it is)
     */
    void verify(FullHttpRequest request, String service) {
        boolean s3 = "s3".equals(service);
        String uri = request.uri();
        int question = uri.indexOf('?');
        String rawPath = question < 0 ? uri : uri.substring(0, question);
        String rawQuery = question < 0 ? null : uri.substring(question + 1);
        List<UriEncoding.Parameter> query = UriEncoding.parseQuery(rawQuery);
        String authorization = request.headers().get("authorization");
        if (authorization != null) {
            verifyHeaderSigned(request, service, s3, rawPath, query, authorization);
        } else if (has(query, "X-Amz-Signature") || has(query, "X-Amz-Credential") || has(query, "X-Amz-Algorithm")) {
            verifyPresigned(request, service, s3, rawPath, query);
        } else if (has(query, "AWSAccessKeyId") && has(query, "Signature")) {
            throw new FrontDoorRefusal(FrontDoorError.UNSUPPORTED_SIGNATURE_VERSION, SIGV2_REFUSED);
        } else {
            throw new FrontDoorRefusal(FrontDoorError.MISSING_AUTHENTICATION,
                    s3 ? "Access Denied" : "Missing Authentication Token");
        }
    }

    private void verifyHeaderSigned(FullHttpRequest request, String service, boolean s3, String rawPath,
                                    List<UriEncoding.Parameter> query, String authorization) {
        HttpHeaders headers = request.headers();
        Credential credential = parseAuthorization(authorization, headers, s3);
        checkScope(credential, service, s3, false);
        Instant requestTime = parseAmzDate(credential.amzDate(), s3, false);
        Instant now = clock.instant();
        if (Duration.between(requestTime, now).abs().compareTo(MAX_SKEW) > 0) {
            throw skewed(credential.amzDate(), requestTime, now, s3);
        }
        String payloadHash;
        String claimedHash = headers.get("x-amz-content-sha256");
        if (s3) {
            if (claimedHash == null) {
                throw new FrontDoorRefusal(FrontDoorError.MISSING_CONTENT_SHA256,
                        "Missing required header for this request: x-amz-content-sha256");
            }
            payloadHash = checkedPayloadMode(claimedHash);
        } else {
            payloadHash = bodyHash(request.content());
        }
        String canonical = canonicalRequest(request, rawPath, query, credential.signedHeaders(), payloadHash, s3, false);
        byte[] key = checkSignature(credential, canonical, s3);
        if (s3 && isHex(payloadHash)) {
            String actual = bodyHash(request.content());
            if (!actual.equals(payloadHash.toLowerCase(Locale.ROOT))) {
                throw new FrontDoorRefusal(FrontDoorError.CONTENT_SHA256_MISMATCH,
                        "The provided 'x-amz-content-sha256' header does not match what was computed.",
                        Map.of("ClientComputedContentSHA256", payloadHash, "S3ComputedContentSHA256", actual));
            }
        } else if (STREAMING_SIGNED.equals(payloadHash) || STREAMING_SIGNED_TRAILER.equals(payloadHash)) {
            ChunkSignatures.verify(request.content(), key, credential.amzDate(), credential.scope(),
                    credential.signature().toLowerCase(Locale.ROOT), STREAMING_SIGNED_TRAILER.equals(payloadHash));
        }
    }

    private void verifyPresigned(FullHttpRequest request, String service, boolean s3, String rawPath,
                                 List<UriEncoding.Parameter> query) {
        Map<String, String> values = new HashMap<>();
        for (UriEncoding.Parameter parameter : query) {
            values.putIfAbsent(parameter.name(), parameter.value());
        }
        String algorithm = values.get("X-Amz-Algorithm");
        String credentialValue = values.get("X-Amz-Credential");
        String amzDate = values.get("X-Amz-Date");
        String expiresValue = values.get("X-Amz-Expires");
        String signedHeaders = values.get("X-Amz-SignedHeaders");
        String signature = values.get("X-Amz-Signature");
        if (algorithm == null || credentialValue == null || amzDate == null || expiresValue == null
                || signedHeaders == null || signature == null) {
            throw new FrontDoorRefusal(FrontDoorError.PRESIGNED_QUERY_MALFORMED, "Query-string authentication "
                    + "version 4 requires the X-Amz-Algorithm, X-Amz-Credential, X-Amz-Signature, X-Amz-Date, "
                    + "X-Amz-SignedHeaders, and X-Amz-Expires parameters.");
        }
        if (!ALGORITHM.equals(algorithm)) {
            throw new FrontDoorRefusal(FrontDoorError.PRESIGNED_QUERY_MALFORMED,
                    "X-Amz-Algorithm only supports \"" + ALGORITHM + "\"");
        }
        long expires;
        try {
            expires = Long.parseLong(expiresValue);
        } catch (NumberFormatException e) {
            throw new FrontDoorRefusal(FrontDoorError.PRESIGNED_QUERY_MALFORMED, "X-Amz-Expires should be a number");
        }
        if (expires < 0) {
            throw new FrontDoorRefusal(FrontDoorError.PRESIGNED_QUERY_MALFORMED, "X-Amz-Expires must be non-negative");
        }
        if (expires > MAX_PRESIGNED_SECONDS) {
            throw new FrontDoorRefusal(FrontDoorError.PRESIGNED_QUERY_MALFORMED, "X-Amz-Expires must be less than a "
                    + "week (in seconds) that is, the given X-Amz-Expires must be less than 604800 seconds");
        }
        Credential credential = credential(credentialValue, amzDate, List.of(signedHeaders.split(";")), signature,
                FrontDoorError.PRESIGNED_QUERY_MALFORMED, s3);
        checkScope(credential, service, s3, true);
        Instant signedAt = parseAmzDate(amzDate, s3, true);
        Instant now = clock.instant();
        if (signedAt.minus(MAX_SKEW).isAfter(now)) {
            throw new FrontDoorRefusal(FrontDoorError.PRESIGNED_EXPIRED, "Request is not valid yet",
                    Map.of("X-Amz-Date", amzDate, "ServerTime", now.toString()));
        }
        Instant expiry = signedAt.plusSeconds(expires);
        if (now.isAfter(expiry)) {
            throw new FrontDoorRefusal(FrontDoorError.PRESIGNED_EXPIRED, "Request has expired", Map.of(
                    "X-Amz-Expires", expiresValue, "Expires", expiry.toString(), "ServerTime", now.toString()));
        }
        String payloadHash;
        if (s3) {
            String claimed = request.headers().get("x-amz-content-sha256");
            payloadHash = claimed == null ? UNSIGNED_PAYLOAD : checkedPayloadMode(claimed);
        } else {
            payloadHash = bodyHash(request.content());
        }
        String canonical = canonicalRequest(request, rawPath, query, credential.signedHeaders(), payloadHash, s3, true);
        checkSignature(credential, canonical, s3);
    }

    private Credential parseAuthorization(String authorization, HttpHeaders headers, boolean s3) {
        String trimmed = authorization.trim();
        if (!trimmed.startsWith(ALGORITHM + " ")) {
            throw new FrontDoorRefusal(trimmed.startsWith("AWS ") ? FrontDoorError.UNSUPPORTED_SIGNATURE_VERSION
                    : FrontDoorError.INCOMPLETE_SIGNATURE, SIGV2_REFUSED);
        }
        Map<String, String> parts = new HashMap<>();
        for (String part : trimmed.substring(ALGORITHM.length() + 1).split(",")) {
            int equals = part.indexOf('=');
            if (equals > 0) {
                parts.put(part.substring(0, equals).trim(), part.substring(equals + 1).trim());
            }
        }
        List<String> missing = new ArrayList<>();
        for (String name : List.of("Credential", "SignedHeaders", "Signature")) {
            if (parts.get(name) == null || parts.get(name).isEmpty()) {
                missing.add("Authorization header requires '" + name + "' parameter.");
            }
        }
        String amzDate = headers.get("x-amz-date");
        if (amzDate == null) {
            throw new FrontDoorRefusal(FrontDoorError.MISSING_DATE, s3
                    ? "AWS authentication requires a valid Date or x-amz-date header"
                    : "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.");
        }
        if (!missing.isEmpty()) {
            throw new FrontDoorRefusal(FrontDoorError.INCOMPLETE_SIGNATURE, String.join(" ", missing)
                    + " Authorization=" + trimmed);
        }
        return credential(parts.get("Credential"), amzDate, List.of(parts.get("SignedHeaders").split(";")),
                parts.get("Signature"), FrontDoorError.INCOMPLETE_SIGNATURE, s3);
    }

    private Credential credential(String value, String amzDate, List<String> signedHeaders, String signature,
                                  FrontDoorError malformed, boolean s3) {
        String[] scope = value.split("/", -1);
        if (scope.length != 5 || !"aws4_request".equals(scope[4]) || scope[1].length() != 8) {
            throw new FrontDoorRefusal(malformed, "Credential should be scoped to a valid region, not the credential "
                    + "'" + value + "'. The Credential must be <access key id>/<yyyymmdd>/<region>/<service>/aws4_request.");
        }
        if (!keys.knows(scope[0])) {
            throw new FrontDoorRefusal(FrontDoorError.UNKNOWN_ACCESS_KEY, s3
                    ? "The AWS Access Key Id you provided does not exist in our records."
                    : "The security token included in the request is invalid.", Map.of("AWSAccessKeyId", scope[0]));
        }
        return new Credential(scope[0], scope[1], scope[2], scope[3], amzDate, signedHeaders, signature);
    }

    private static void checkScope(Credential credential, String service, boolean s3, boolean presigned) {
        FrontDoorError malformed = presigned ? FrontDoorError.PRESIGNED_QUERY_MALFORMED : FrontDoorError.INCOMPLETE_SIGNATURE;
        if (service != null && !service.equals(credential.service())) {
            throw new FrontDoorRefusal(malformed, "Credential should be scoped to correct service: '" + service + "'.");
        }
        if (!credential.amzDate().startsWith(credential.date())) {
            throw new FrontDoorRefusal(malformed, "Date in Credential scope does not match YYYYMMDD from ISO-8601 "
                    + "version of date from HTTP: '" + credential.date() + "' != '" + credential.amzDate() + "'");
        }
        if (!credential.signedHeaders().contains("host") && !credential.signedHeaders().contains(":authority")) {
            throw new FrontDoorRefusal(malformed, s3 ? "Signed headers must include the Host header."
                    : "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.");
        }
    }

    private static Instant parseAmzDate(String amzDate, boolean s3, boolean presigned) {
        try {
            return AMZ_DATE.parse(amzDate, Instant::from);
        } catch (DateTimeParseException e) {
            if (presigned) {
                throw new FrontDoorRefusal(FrontDoorError.PRESIGNED_QUERY_MALFORMED,
                        "X-Amz-Date must be in the ISO8601 Long Format \"yyyyMMdd'T'HHmmss'Z'\"");
            }
            throw new FrontDoorRefusal(FrontDoorError.MISSING_DATE, s3
                    ? "AWS authentication requires a valid Date or x-amz-date header"
                    : "Date must be in ISO-8601 'basic format'. Got '" + amzDate + "'. See http://en.wikipedia.org/wiki/ISO_8601");
        }
    }

    private static FrontDoorRefusal skewed(String amzDate, Instant requestTime, Instant now, boolean s3) {
        if (s3) {
            return new FrontDoorRefusal(FrontDoorError.TIME_SKEWED,
                    "The difference between the request time and the current time is too large.",
                    Map.of("RequestTime", amzDate, "ServerTime", now.toString(),
                            "MaxAllowedSkewMilliseconds", Long.toString(MAX_SKEW.toMillis())));
        }
        if (requestTime.isBefore(now)) {
            return new FrontDoorRefusal(FrontDoorError.TIME_SKEWED, "Signature expired: " + amzDate
                    + " is now earlier than " + AMZ_DATE.format(now.minus(MAX_SKEW)) + " (" + AMZ_DATE.format(now)
                    + " - 15 min.)");
        }
        return new FrontDoorRefusal(FrontDoorError.TIME_SKEWED, "Signature not yet current: " + amzDate
                + " is still later than " + AMZ_DATE.format(now.plus(MAX_SKEW)) + " (" + AMZ_DATE.format(now)
                + " + 15 min.)");
    }

    /** The payload hash of an S3 request as it goes into the canonical request; refuses what S3 does not know. */
    private static String checkedPayloadMode(String claimed) {
        if (UNSIGNED_PAYLOAD.equals(claimed) || STREAMING_SIGNED.equals(claimed) || STREAMING_SIGNED_TRAILER.equals(claimed)
                || STREAMING_UNSIGNED_TRAILER.equals(claimed) || isHex(claimed)) {
            return claimed;
        }
        throw new FrontDoorRefusal(FrontDoorError.CONTENT_SHA256_INVALID, "x-amz-content-sha256 must be "
                + "UNSIGNED-PAYLOAD, STREAMING-UNSIGNED-PAYLOAD-TRAILER, STREAMING-AWS4-HMAC-SHA256-PAYLOAD, "
                + "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER, or a valid sha256 value.");
    }

    private byte[] checkSignature(Credential credential, String canonicalRequest, boolean s3) {
        String stringToSign = ALGORITHM + '\n' + credential.amzDate() + '\n' + credential.scope() + '\n'
                + SigningKeys.sha256Hex(canonicalRequest);
        byte[] key = keys.key(credential.accessKeyId(), credential.date(), credential.region(), credential.service());
        String expected = SigningKeys.hex(SigningKeys.hmac(key, stringToSign));
        if (!SigningKeys.sameSignature(expected, credential.signature())) {
            if (s3) {
                Map<String, String> details = new LinkedHashMap<>();
                details.put("AWSAccessKeyId", credential.accessKeyId());
                details.put("StringToSign", stringToSign);
                details.put("SignatureProvided", credential.signature());
                details.put("CanonicalRequest", canonicalRequest);
                throw new FrontDoorRefusal(FrontDoorError.SIGNATURE_MISMATCH, SIGNATURE_MISMATCH_S3, details);
            }
            throw new FrontDoorRefusal(FrontDoorError.SIGNATURE_MISMATCH, SIGNATURE_MISMATCH_JSON
                    + "\n\nThe Canonical String for this request should have been\n'" + canonicalRequest
                    + "'\n\nThe String-to-Sign should have been\n'" + stringToSign + "'\n");
        }
        return key;
    }

    static String canonicalRequest(FullHttpRequest request, String rawPath, List<UriEncoding.Parameter> query,
                                   List<String> signedHeaders, String payloadHash, boolean s3, boolean presigned) {
        StringBuilder canonical = new StringBuilder(512);
        canonical.append(request.method().name()).append('\n');
        appendCanonicalPath(canonical, rawPath, s3);
        canonical.append('\n');
        appendCanonicalQuery(canonical, query, presigned);
        canonical.append('\n');
        HttpHeaders headers = request.headers();
        for (String name : signedHeaders) {
            canonical.append(name).append(':');
            // Over HTTP/2 the JavaScript SDK signs the :authority pseudo-header, which arrives here as Host.
            List<String> values = headers.getAll(name.equals(":authority") ? "host" : name);
            for (int i = 0; i < values.size(); i++) {
                if (i > 0) {
                    canonical.append(',');
                }
                appendTrimmed(canonical, values.get(i));
            }
            canonical.append('\n');
        }
        canonical.append('\n').append(String.join(";", signedHeaders)).append('\n').append(payloadHash);
        return canonical.toString();
    }

    /**
     * S3: the path decoded, then encoded once with {@code /} kept (the SDK sends a key's {@code x//y} as
     * {@code x/%2Fy} but signs {@code x//y}); the others: each segment as sent, encoded once more.
     */
    private static void appendCanonicalPath(StringBuilder out, String rawPath, boolean s3) {
        if (rawPath.isEmpty() || "/".equals(rawPath)) {
            out.append('/');
            return;
        }
        if (s3) {
            for (String segment : UriEncoding.decode(rawPath).split("/", -1)) {
                out.append(UriEncoding.encode(segment)).append('/');
            }
            out.setLength(out.length() - 1);
            return;
        }
        String[] segments = rawPath.split("/", -1);
        for (int i = 0; i < segments.length; i++) {
            if (i > 0) {
                out.append('/');
            }
            out.append(UriEncoding.encode(segments[i]));
        }
    }

    private static void appendCanonicalQuery(StringBuilder out, List<UriEncoding.Parameter> query, boolean presigned) {
        List<String[]> encoded = new ArrayList<>(query.size());
        for (UriEncoding.Parameter parameter : query) {
            if (presigned && "X-Amz-Signature".equals(parameter.name())) {
                continue;
            }
            encoded.add(new String[] {UriEncoding.encode(parameter.name()), UriEncoding.encode(parameter.value())});
        }
        encoded.sort(Comparator.<String[], String>comparing(p -> p[0]).thenComparing(p -> p[1]));
        for (int i = 0; i < encoded.size(); i++) {
            if (i > 0) {
                out.append('&');
            }
            out.append(encoded.get(i)[0]).append('=').append(encoded.get(i)[1]);
        }
    }

    /** The value without leading and trailing spaces, inner runs of spaces as one. */
    private static void appendTrimmed(StringBuilder out, String value) {
        String trimmed = value.trim();
        boolean space = false;
        for (int i = 0; i < trimmed.length(); i++) {
            char c = trimmed.charAt(i);
            if (c == ' ' || c == '\t') {
                if (!space) {
                    out.append(' ');
                }
                space = true;
            } else {
                out.append(c);
                space = false;
            }
        }
    }

    static String bodyHash(ByteBuf body) {
        MessageDigest digest = SigningKeys.sha256();
        if (body.nioBufferCount() > 0) {
            for (ByteBuffer buffer : body.nioBuffers()) {
                digest.update(buffer);
            }
        } else {
            byte[] copy = new byte[body.readableBytes()];
            body.getBytes(body.readerIndex(), copy);
            digest.update(copy);
        }
        return SigningKeys.hex(digest.digest());
    }

    private static boolean isHex(String value) {
        if (value.length() != 64) {
            return false;
        }
        for (int i = 0; i < 64; i++) {
            char c = value.charAt(i);
            if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) {
                return false;
            }
        }
        return true;
    }

    private static boolean has(List<UriEncoding.Parameter> query, String name) {
        for (UriEncoding.Parameter parameter : query) {
            if (parameter.name().equals(name)) {
                return true;
            }
        }
        return false;
    }
}
