package memberstream.engine.s3;

/** Every S3 error the engine answers with: S3's error code, HTTP status and usual message. */
public enum S3Error {
    ACCESS_DENIED("AccessDenied", 403, "Access Denied"),
    BAD_DIGEST("BadDigest", 400, "The Content-MD5 or checksum value that you specified did not match what the server received."),
    BUCKET_ALREADY_OWNED_BY_YOU("BucketAlreadyOwnedByYou", 409,
            "Your previous request to create the named bucket succeeded and you already own it."),
    BUCKET_NOT_EMPTY("BucketNotEmpty", 409, "The bucket you tried to delete is not empty"),
    INCOMPLETE_BODY("IncompleteBody", 400, "You did not provide the number of bytes specified by the Content-Length HTTP header."),
    ENTITY_TOO_SMALL("EntityTooSmall", 400, "Your proposed upload is smaller than the minimum allowed object size."),
    INTERNAL_ERROR("InternalError", 500, "We encountered an internal error. Please try again."),
    INVALID_ARGUMENT("InvalidArgument", 400, "Invalid Argument"),
    INVALID_BUCKET_NAME("InvalidBucketName", 400, "The specified bucket is not valid."),
    INVALID_DIGEST("InvalidDigest", 400, "The Content-MD5 or checksum value that you specified is not valid."),
    INVALID_PART("InvalidPart", 400, "One or more of the specified parts could not be found.  The part may not have "
            + "been uploaded, or the specified entity tag may not match the part's entity tag."),
    INVALID_PART_ORDER("InvalidPartOrder", 400,
            "The list of parts was not in ascending order. Parts must be ordered by part number."),
    INVALID_RANGE("InvalidRange", 416, "The requested range is not satisfiable"),
    INVALID_REQUEST("InvalidRequest", 400, "Invalid Request"),
    INVALID_URI("InvalidURI", 400, "Couldn't parse the specified URI."),
    KEY_TOO_LONG("KeyTooLongError", 400, "Your key is too long"),
    MALFORMED_XML("MalformedXML", 400,
            "The XML you provided was not well-formed or did not validate against our published schema"),
    METHOD_NOT_ALLOWED("MethodNotAllowed", 405, "The specified method is not allowed against this resource."),
    NO_SUCH_BUCKET("NoSuchBucket", 404, "The specified bucket does not exist"),
    NO_SUCH_UPLOAD("NoSuchUpload", 404, "The specified upload does not exist. The upload ID may be invalid, or the "
            + "upload may have been aborted or completed."),
    NO_SUCH_KEY("NoSuchKey", 404, "The specified key does not exist."),
    NOT_IMPLEMENTED("NotImplemented", 501, "A header or query you provided implies functionality that is not implemented."),
    PRECONDITION_FAILED("PreconditionFailed", 412, "At least one of the pre-conditions you specified did not hold");

    private final String code;
    private final int status;
    private final String defaultMessage;

    S3Error(String code, int status, String defaultMessage) {
        this.code = code;
        this.status = status;
        this.defaultMessage = defaultMessage;
    }

    public String code() {
        return code;
    }

    public int status() {
        return status;
    }

    public String defaultMessage() {
        return defaultMessage;
    }

    public S3Exception exception() {
        return new S3Exception(this, defaultMessage, null);
    }

    public S3Exception exception(String message) {
        return new S3Exception(this, message, null);
    }

    /** {@code resource} goes to the error's BucketName or Key element, as S3 does. */
    public S3Exception forResource(String resourceElement, String resource) {
        return new S3Exception(this, defaultMessage, new String[] {resourceElement, resource});
    }
}
