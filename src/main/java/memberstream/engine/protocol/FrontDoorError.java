package memberstream.engine.protocol;

/**
 * Every refusal of the engine's front door (signature, host and origin checks), with the shape each
 * protocol gives it on AWS: the {@code __type} and status of the JSON services (Kinesis, Firehose) and
 * the {@code Code} and status of S3's XML errors.
 */
public enum FrontDoorError {
    /** No Authorization header and no presigned query; to S3 an anonymous request, which it denies. */
    MISSING_AUTHENTICATION("MissingAuthenticationTokenException", 403, "AccessDenied", 403),
    /** An Authorization header or presigned query that is not well-formed SigV4. */
    INCOMPLETE_SIGNATURE("IncompleteSignatureException", 400, "AuthorizationHeaderMalformed", 400),
    /** Signature Version 2 (header {@code AWS key:sig} or query {@code AWSAccessKeyId}/{@code Signature}). */
    UNSUPPORTED_SIGNATURE_VERSION("IncompleteSignatureException", 400, "InvalidRequest", 400),
    PRESIGNED_QUERY_MALFORMED("IncompleteSignatureException", 400, "AuthorizationQueryParametersError", 400),
    UNKNOWN_ACCESS_KEY("UnrecognizedClientException", 400, "InvalidAccessKeyId", 403),
    SIGNATURE_MISMATCH("InvalidSignatureException", 400, "SignatureDoesNotMatch", 403),
    /** The request's time is more than 15 minutes away from the engine's clock. */
    TIME_SKEWED("InvalidSignatureException", 400, "RequestTimeTooSkewed", 403),
    /** A presigned URL used after its X-Amz-Expires (or before its X-Amz-Date). */
    PRESIGNED_EXPIRED("InvalidSignatureException", 400, "AccessDenied", 403),
    /** No usable X-Amz-Date. */
    MISSING_DATE("IncompleteSignatureException", 400, "AccessDenied", 403),
    /** S3 needs x-amz-content-sha256 on header-signed requests. */
    MISSING_CONTENT_SHA256("IncompleteSignatureException", 400, "InvalidRequest", 400),
    CONTENT_SHA256_INVALID("IncompleteSignatureException", 400, "InvalidArgument", 400),
    CONTENT_SHA256_MISMATCH("InvalidSignatureException", 400, "XAmzContentSHA256Mismatch", 400),
    /** An aws-chunked body whose framing is broken (before any signature could be checked). */
    CHUNKED_BODY_MALFORMED("SerializationException", 400, "IncompleteBody", 400),
    /** A Host header naming something the engine does not serve (DNS rebinding). */
    FOREIGN_HOST("AccessDeniedException", 403, "AccessDenied", 403),
    /** A browser request from an origin not in memberstream.engine.cors-origins. */
    FOREIGN_ORIGIN("AccessDeniedException", 403, "AccessForbidden", 403);

    private final String jsonType;
    private final int jsonStatus;
    private final String s3Code;
    private final int s3Status;

    FrontDoorError(String jsonType, int jsonStatus, String s3Code, int s3Status) {
        this.jsonType = jsonType;
        this.jsonStatus = jsonStatus;
        this.s3Code = s3Code;
        this.s3Status = s3Status;
    }

    public String jsonType() {
        return jsonType;
    }

    public int jsonStatus() {
        return jsonStatus;
    }

    public String s3Code() {
        return s3Code;
    }

    public int s3Status() {
        return s3Status;
    }
}
