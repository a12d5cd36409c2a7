package memberstream.engine.s3;

/** A request the store or the route refuses, carrying the S3 error it becomes on the wire. */
public class S3Exception extends RuntimeException {

    private final S3Error error;
    private final String[] resource;

    S3Exception(S3Error error, String message, String[] resource) {
        super(message);
        this.error = error;
        this.resource = resource;
    }

    public S3Error error() {
        return error;
    }

    /** Element name and value naming what the error is about (BucketName, Key), or null. */
    String[] resource() {
        return resource;
    }
}
