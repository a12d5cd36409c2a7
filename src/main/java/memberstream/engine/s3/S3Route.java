package memberstream.engine.s3;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import memberstream.engine.protocol.EngineRequest;
import memberstream.engine.protocol.EngineResponse;
import memberstream.engine.protocol.EngineRoute;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * S3's REST API, path style ({@code /<bucket>/<key>}), in S3's XML and error formats: the buckets and
 * objects operations the AWS SDK v2 {@code S3Client} and {@code aws s3 ls / cp / rm} use. SigV4
 * signatures (header, presigned, streaming {@code aws-chunked}) are checked by the engine's front door
 * before a request gets here, which also turns virtual-hosted requests into path style.
 * This class routes; {@link BucketOperations}, {@link ObjectOperations} and {@link MultipartOperations} do the
 * work. Stateless apart from the {@link S3ObjectStore}; safe for concurrent calls.
 */
public final class S3Route implements EngineRoute {

    private static final Logger log = LoggerFactory.getLogger(S3Route.class);
    /** Sub-resources that turn a bucket or object request into an operation this engine does not have. */
    private static final Set<String> UNSUPPORTED_SUBRESOURCES = Set.of("acl", "policy", "versioning", "tagging",
            "lifecycle", "cors", "website", "logging", "notification", "replication", "encryption", "versions", "object-lock", "retention", "legal-hold", "accelerate",
            "requestPayment", "inventory", "analytics", "metrics", "ownershipControls", "publicAccessBlock",
            "intelligent-tiering", "restore", "select", "torrent", "attributes", "policyStatus");

    private final BucketOperations buckets;
    private final ObjectOperations objects;
    private final MultipartOperations multipart;

    public S3Route(S3ObjectStore store) {
        this.buckets = new BucketOperations(store);
        this.objects = new ObjectOperations(store);
        this.multipart = new MultipartOperations(store);
    }

    @Override
    public boolean accepts(EngineRequest request) {
        return request.target() == null;
    }

    @Override
    public EngineResponse handle(EngineRequest request) {
        String requestId = UUID.randomUUID().toString().replace("-", "").substring(0, 16).toUpperCase(Locale.ROOT);
        try {
            EngineResponse response = dispatch(request, new S3Call(request));
            response.headers().put("x-amz-request-id", requestId);
            response.headers().put("x-amz-id-2", requestId);
            return response;
        } catch (S3Exception e) {
            return errorResponse(request, e, requestId);
        } catch (RuntimeException e) {
            // Client mistakes are S3Exceptions; anything else is the engine's own fault.
            log.error("S3 request {} {} failed", request.method(), request.path(), e);
            return errorResponse(request, S3Error.INTERNAL_ERROR.exception(), requestId);
        }
    }

    private static EngineResponse errorResponse(EngineRequest request, S3Exception e, String requestId) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("x-amz-request-id", requestId);
        headers.put("x-amz-id-2", requestId);
        if ("HEAD".equals(request.method())) {
            return new EngineResponse(e.error().status(), headers, new byte[0]);
        }
        headers.put("Content-Type", "application/xml");
        return new EngineResponse(e.error().status(), headers, S3Xml.error(e, requestId));
    }

    private EngineResponse dispatch(EngineRequest request, S3Call call) {
        String method = request.method();
        if (call.bucket.isEmpty()) {
            if ("GET".equals(method)) {
                return buckets.listBuckets();
            }
            throw S3Error.METHOD_NOT_ALLOWED.exception();
        }
        for (String subresource : call.query.keySet()) {
            if (UNSUPPORTED_SUBRESOURCES.contains(subresource)) {
                throw S3Error.NOT_IMPLEMENTED.exception("The local engine does not implement the '" + subresource
                        + "' sub-resource.");
            }
        }
        if (call.key.isEmpty() && call.query.containsKey("uploads")) {
            throw S3Error.NOT_IMPLEMENTED.exception("The local engine does not implement ListMultipartUploads.");
        }
        if (!call.key.isEmpty() && (call.query.containsKey("uploads") || call.query.containsKey("uploadId"))) {
            return multipart.handle(call, request);
        }
        if (call.query.containsKey("partNumber")) {
            throw S3Error.NOT_IMPLEMENTED.exception("The local engine does not implement reading objects by part number.");
        }
        if (call.key.isEmpty()) {
            return switch (method) {
                case "PUT" -> buckets.createBucket(call);
                case "HEAD" -> buckets.headBucket(call);
                case "DELETE" -> buckets.deleteBucket(call);
                case "GET" -> call.query.containsKey("location") ? buckets.bucketLocation(call) : buckets.listObjects(call);
                case "POST" -> {
                    if (call.query.containsKey("delete")) {
                        yield buckets.deleteObjects(call, request);
                    }
                    throw S3Error.NOT_IMPLEMENTED.exception();
                }
                default -> throw S3Error.METHOD_NOT_ALLOWED.exception();
            };
        }
        return switch (method) {
            case "PUT" -> request.header("x-amz-copy-source") != null ? objects.copyObject(call, request) : objects.putObject(call, request);
            case "GET" -> objects.getObject(call, request, true);
            case "HEAD" -> objects.getObject(call, request, false);
            case "DELETE" -> objects.deleteObject(call);
            default -> throw S3Error.METHOD_NOT_ALLOWED.exception();
        };
    }
}
