package memberstream.engine.s3;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import memberstream.engine.protocol.EngineRequest;
import memberstream.engine.protocol.EngineResponse;
import memberstream.engine.protocol.EngineRoute;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * S3's REST API, path style ({@code /<bucket>/<key>}), in S3's XML and error formats: the buckets and
 * objects operations the AWS SDK v2 {@code S3Client} and {@code aws s3 ls / cp / rm} use. SigV4
 * signatures (header, presigned, streaming {@code aws-chunked}) are checked by the engine's front door
 * before a request gets here, which also turns virtual-hosted requests into path style.
 * Stateless apart from the {@link S3ObjectStore}; safe for concurrent calls.
 */
public final class S3Route implements EngineRoute {

    private static final Logger log = LoggerFactory.getLogger(S3Route.class);
    private static final String REGION = "us-east-1";
    private static final DateTimeFormatter HTTP_DATE = DateTimeFormatter.RFC_1123_DATE_TIME.withZone(ZoneOffset.UTC);
    /** Sub-resources that turn a bucket or object request into an operation this engine does not have. */
    private static final Set<String> UNSUPPORTED_SUBRESOURCES = Set.of("acl", "policy", "versioning", "tagging",
            "lifecycle", "cors", "website", "logging", "notification", "replication", "encryption", "versions", "object-lock", "retention", "legal-hold", "accelerate",
            "requestPayment", "inventory", "analytics", "metrics", "ownershipControls", "publicAccessBlock",
            "intelligent-tiering", "restore", "select", "torrent", "attributes", "policyStatus");

    private final S3ObjectStore store;
    private final MultipartUploads uploads;

    public S3Route(S3ObjectStore store) {
        this.store = store;
        this.uploads = new MultipartUploads(store);
    }

    @Override
    public boolean accepts(EngineRequest request) {
        return request.target() == null;
    }

    @Override
    public EngineResponse handle(EngineRequest request) {
        String requestId = UUID.randomUUID().toString().replace("-", "").substring(0, 16).toUpperCase(Locale.ROOT);
        try {
            EngineResponse response = dispatch(request, new Call(request));
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

    /** The bucket, key and query of one request. */
    private static final class Call {
        final String bucket;
        final String key;
        final Map<String, String> query;

        Call(EngineRequest request) {
            String path = request.path() == null ? "/" : request.path();
            int questionMark = path.indexOf('?');
            if (questionMark >= 0) {
                path = path.substring(0, questionMark);
            }
            String trimmed = path.startsWith("/") ? path.substring(1) : path;
            int slash = trimmed.indexOf('/');
            bucket = decodePath(slash < 0 ? trimmed : trimmed.substring(0, slash));
            key = slash < 0 ? "" : decodePath(trimmed.substring(slash + 1));
            query = parseQuery(request.rawQuery());
        }
    }

    private EngineResponse dispatch(EngineRequest request, Call call) {
        String method = request.method();
        if (call.bucket.isEmpty()) {
            if ("GET".equals(method)) {
                return xml(200, S3Xml.listBuckets(store.listBuckets()));
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
            return multipart(call, request);
        }
        if (call.query.containsKey("partNumber")) {
            throw S3Error.NOT_IMPLEMENTED.exception("The local engine does not implement reading objects by part number.");
        }
        if (call.key.isEmpty()) {
            return switch (method) {
                case "PUT" -> createBucket(call);
                case "HEAD" -> headBucket(call);
                case "DELETE" -> deleteBucket(call);
                case "GET" -> call.query.containsKey("location") ? bucketLocation(call) : listObjects(call);
                case "POST" -> {
                    if (call.query.containsKey("delete")) {
                        yield deleteObjects(call, request);
                    }
                    throw S3Error.NOT_IMPLEMENTED.exception();
                }
                default -> throw S3Error.METHOD_NOT_ALLOWED.exception();
            };
        }
        return switch (method) {
            case "PUT" -> request.header("x-amz-copy-source") != null ? copyObject(call, request) : putObject(call, request);
            case "GET" -> getObject(call, request, true);
            case "HEAD" -> getObject(call, request, false);
            case "DELETE" -> {
                store.deleteObject(call.bucket, call.key);
                yield empty(204);
            }
            default -> throw S3Error.METHOD_NOT_ALLOWED.exception();
        };
    }

    // ---- buckets

    private EngineResponse createBucket(Call call) {
        store.createBucket(call.bucket);
        EngineResponse response = empty(200);
        response.headers().put("Location", "/" + call.bucket);
        return response;
    }

    private EngineResponse headBucket(Call call) {
        if (!store.bucketExists(call.bucket)) {
            throw S3Error.NO_SUCH_BUCKET.forResource("BucketName", call.bucket);
        }
        EngineResponse response = empty(200);
        response.headers().put("x-amz-bucket-region", REGION);
        return response;
    }

    private EngineResponse deleteBucket(Call call) {
        store.deleteBucket(call.bucket);
        return empty(204);
    }

    private EngineResponse bucketLocation(Call call) {
        if (!store.bucketExists(call.bucket)) {
            throw S3Error.NO_SUCH_BUCKET.forResource("BucketName", call.bucket);
        }
        return xml(200, S3Xml.location(REGION));
    }

    private EngineResponse listObjects(Call call) {
        Map<String, String> q = call.query;
        boolean version2 = "2".equals(q.get("list-type"));
        int maxKeys = 1000;
        if (q.containsKey("max-keys")) {
            try {
                maxKeys = Integer.parseInt(q.get("max-keys"));
            } catch (NumberFormatException e) {
                throw S3Error.INVALID_ARGUMENT.exception("Provided max-keys not an integer or within integer range");
            }
            if (maxKeys < 0) {
                throw S3Error.INVALID_ARGUMENT.exception("Argument maxKeys must be an integer between 0 and 2147483647");
            }
            maxKeys = Math.min(maxKeys, 1000);
        }
        String encodingType = q.get("encoding-type");
        if (encodingType != null && !encodingType.equals("url")) {
            throw S3Error.INVALID_ARGUMENT.exception("Invalid Encoding Method specified in Request");
        }
        String delimiter = emptyToNull(q.get("delimiter"));
        String continuationToken = version2 ? emptyToNull(q.get("continuation-token")) : null;
        String startAfter = version2 ? emptyToNull(q.get("start-after")) : null;
        String marker = version2 ? null : emptyToNull(q.get("marker"));
        String from = marker;
        if (continuationToken != null) {
            try {
                from = new String(Base64.getUrlDecoder().decode(continuationToken), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                throw S3Error.INVALID_ARGUMENT.exception("The continuation token provided is incorrect");
            }
        } else if (startAfter != null) {
            from = startAfter;
        }
        S3ObjectStore.Listing listing = store.list(call.bucket, q.get("prefix"), delimiter, from, maxKeys);

        String next = listing.truncated()
                ? Base64.getUrlEncoder().withoutPadding().encodeToString(listing.nextMarker().getBytes(StandardCharsets.UTF_8))
                : null;
        S3Xml.ListRequest echo = new S3Xml.ListRequest(call.bucket, q.get("prefix"), delimiter, maxKeys,
                "url".equals(encodingType), version2, continuationToken, startAfter, marker);
        return xml(200, S3Xml.listObjects(echo, listing, next));
    }

    private EngineResponse deleteObjects(Call call, EngineRequest request) {
        if (!store.bucketExists(call.bucket)) {
            throw S3Error.NO_SUCH_BUCKET.forResource("BucketName", call.bucket);
        }
        byte[] body = payload(request).payload();
        List<String> keys = new ArrayList<>();
        boolean quiet;
        try {
            Document document = parseXml(body);
            NodeList objects = document.getElementsByTagNameNS("*", "Object");
            for (int i = 0; i < objects.getLength(); i++) {
                NodeList keyNodes = ((Element) objects.item(i)).getElementsByTagNameNS("*", "Key");
                if (keyNodes.getLength() == 1) {
                    keys.add(keyNodes.item(0).getTextContent());
                }
            }
            NodeList quietNodes = document.getElementsByTagNameNS("*", "Quiet");
            quiet = quietNodes.getLength() == 1 && "true".equalsIgnoreCase(quietNodes.item(0).getTextContent().trim());
        } catch (Exception e) {
            throw S3Error.MALFORMED_XML.exception();
        }
        if (keys.isEmpty() || keys.size() > 1000) {
            throw S3Error.MALFORMED_XML.exception();
        }
        List<String> deleted = new ArrayList<>();
        List<String[]> errors = new ArrayList<>();
        for (String key : keys) {
            try {
                store.deleteObject(call.bucket, key);
                deleted.add(key);
            } catch (S3Exception e) {
                errors.add(new String[] {key, e.error().code(), e.getMessage()});
            }
        }
        return xml(200, S3Xml.deleteResult(deleted, errors, quiet));
    }

    // ---- objects

    private EngineResponse putObject(Call call, EngineRequest request) {
        AwsChunkedBody body = payload(request);
        byte[] bytes = body.payload();
        String decodedLength = request.header("x-amz-decoded-content-length");
        if (decodedLength != null && AwsChunkedBody.isChunked(request.headers())
                && !decodedLength.equals(Long.toString(bytes.length))) {
            throw S3Error.INCOMPLETE_BODY.exception();
        }
        String contentMd5 = request.header("content-md5");
        String crc32 = checksum(request, body, "x-amz-checksum-crc32");
        String crc32c = checksum(request, body, "x-amz-checksum-crc32c");
        S3ObjectStore.ObjectInfo info = store.putObject(call.bucket, call.key, request.header("content-type"),
                userMetadata(request), out -> out.write(bytes), digests -> {
                    if (contentMd5 != null) {
                        byte[] expected;
                        try {
                            expected = Base64.getDecoder().decode(contentMd5.trim());
                        } catch (IllegalArgumentException e) {
                            throw S3Error.INVALID_DIGEST.exception();
                        }
                        if (expected.length != 16) {
                            throw S3Error.INVALID_DIGEST.exception();
                        }
                        if (!MessageDigest.isEqual(expected, digests.md5())) {
                            throw S3Error.BAD_DIGEST.exception();
                        }
                    }
                    if (crc32 != null && !crc32.equals(digests.crc32Base64())) {
                        throw S3Error.BAD_DIGEST.exception("The CRC32 you specified did not match the calculated checksum.");
                    }
                    if (crc32c != null && !crc32c.equals(digests.crc32cBase64())) {
                        throw S3Error.BAD_DIGEST.exception("The CRC32C you specified did not match the calculated checksum.");
                    }
                });
        EngineResponse response = empty(200);
        response.headers().put("ETag", "\"" + info.etag() + "\"");
        if (crc32 != null) {
            response.headers().put("x-amz-checksum-crc32", crc32);
        }
        if (crc32c != null) {
            response.headers().put("x-amz-checksum-crc32c", crc32c);
        }
        return response;
    }

    private EngineResponse copyObject(Call call, EngineRequest request) {
        String source = decodePath(request.header("x-amz-copy-source"));
        int versionAt = source.indexOf("?versionId=");
        if (versionAt >= 0) {
            source = source.substring(0, versionAt);
        }
        if (source.startsWith("/")) {
            source = source.substring(1);
        }
        int slash = source.indexOf('/');
        if (slash <= 0 || slash == source.length() - 1) {
            throw S3Error.INVALID_ARGUMENT.exception("Copy Source must mention the source bucket and key: sourcebucket/sourcekey");
        }
        String sourceBucket = source.substring(0, slash);
        String sourceKey = source.substring(slash + 1);
        S3ObjectStore.ObjectInfo sourceInfo = store.headObject(sourceBucket, sourceKey);
        byte[] bytes = store.readObject(sourceBucket, sourceKey);
        boolean replace = "REPLACE".equalsIgnoreCase(request.header("x-amz-metadata-directive"));
        if (!replace && sourceBucket.equals(call.bucket) && sourceKey.equals(call.key)) {
            throw S3Error.INVALID_REQUEST.exception("This copy request is illegal because it is trying to copy an object to "
                    + "itself without changing the object's metadata, storage class, website redirect location or "
                    + "encryption attributes.");
        }
        S3ObjectStore.ObjectInfo info = store.putObject(call.bucket, call.key,
                replace ? request.header("content-type") : sourceInfo.contentType(),
                replace ? userMetadata(request) : sourceInfo.userMetadata(), out -> out.write(bytes));
        return xml(200, S3Xml.copyObjectResult(info));
    }

    private EngineResponse getObject(Call call, EngineRequest request, boolean withBody) {
        try (S3ObjectStore.OpenObject object = store.openObject(call.bucket, call.key)) {
            S3ObjectStore.ObjectInfo info = object.info();
            Map<String, String> headers = new LinkedHashMap<>();
            headers.put("Content-Type", info.contentType());
            headers.put("ETag", "\"" + info.etag() + "\"");
            headers.put("Last-Modified", HTTP_DATE.format(info.lastModified()));
            headers.put("Accept-Ranges", "bytes");
            info.userMetadata().forEach((name, value) -> headers.put("x-amz-meta-" + name, value));
            String ifNoneMatch = request.header("if-none-match");
            if (ifNoneMatch != null && matchesEtag(ifNoneMatch, info.etag())) {
                return new EngineResponse(304, headers, new byte[0]);
            }
            String ifMatch = request.header("if-match");
            if (ifMatch != null && !matchesEtag(ifMatch, info.etag())) {
                throw S3Error.PRECONDITION_FAILED.exception();
            }
            long size = info.size();
            long first = 0;
            long last = size - 1;
            int status = 200;
            String range = request.header("range");
            if (range != null) {
                long[] bounds = parseRange(range, size);
                if (bounds != null) {
                    first = bounds[0];
                    last = bounds[1];
                    status = 206;
                    headers.put("Content-Range", "bytes " + first + "-" + last + "/" + size);
                }
            }
            if (status == 200 && "ENABLED".equalsIgnoreCase(request.header("x-amz-checksum-mode"))) {
                if (info.crc32() != null) {
                    headers.put("x-amz-checksum-crc32", info.crc32());
                    headers.put("x-amz-checksum-type", "FULL_OBJECT");
                }
            }
            long length = Math.max(0, last - first + 1);
            headers.put("Content-Length", Long.toString(length));
            if (!withBody) {
                return new EngineResponse(status, headers, new byte[0]);
            }
            if (length > Integer.MAX_VALUE - 16) {
                throw S3Error.INVALID_REQUEST.exception("Objects over 2 GiB must be read in ranges from the local engine.");
            }
            ByteBuffer buffer = ByteBuffer.allocate((int) length);
            long position = first;
            while (buffer.hasRemaining()) {
                int read = object.channel().read(buffer, position);
                if (read < 0) {
                    break;
                }
                position += read;
            }
            return new EngineResponse(status, headers, buffer.array());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ---- multipart uploads

    private EngineResponse multipart(Call call, EngineRequest request) {
        String uploadId = call.query.get("uploadId");
        switch (request.method()) {
            case "POST" -> {
                if (uploadId == null) {
                    String id = uploads.create(call.bucket, call.key, request.header("content-type"), userMetadata(request));
                    return xml(200, S3Xml.initiateMultipartUpload(call.bucket, call.key, id));
                }
                List<MultipartUploads.CompletedPart> parts = completedParts(payload(request).payload());
                S3ObjectStore.ObjectInfo info = uploads.complete(call.bucket, call.key, uploadId, parts);
                return xml(200, S3Xml.completeMultipartUpload(call.bucket, call.key, info.etag()));
            }
            case "PUT" -> {
                if (request.header("x-amz-copy-source") != null || !call.query.containsKey("partNumber")) {
                    throw S3Error.NOT_IMPLEMENTED.exception("The local engine does not implement UploadPartCopy.");
                }
                int partNumber;
                try {
                    partNumber = Integer.parseInt(call.query.get("partNumber"));
                } catch (NumberFormatException e) {
                    throw S3Error.INVALID_ARGUMENT.exception("Part number must be an integer between 1 and 10000, inclusive");
                }
                AwsChunkedBody body = payload(request);
                verifyChecksums(request, body);
                String etag = uploads.uploadPart(call.bucket, call.key, uploadId, partNumber, body.payload());
                EngineResponse response = empty(200);
                response.headers().put("ETag", "\"" + etag + "\"");
                return response;
            }
            case "DELETE" -> {
                uploads.abort(call.bucket, call.key, uploadId);
                return empty(204);
            }
            default -> throw S3Error.NOT_IMPLEMENTED.exception("The local engine does not implement ListParts.");
        }
    }

    private static List<MultipartUploads.CompletedPart> completedParts(byte[] body) {
        List<MultipartUploads.CompletedPart> parts = new ArrayList<>();
        try {
            Document document = parseXml(body);
            NodeList nodes = document.getElementsByTagNameNS("*", "Part");
            for (int i = 0; i < nodes.getLength(); i++) {
                Element part = (Element) nodes.item(i);
                String number = part.getElementsByTagNameNS("*", "PartNumber").item(0).getTextContent().trim();
                String etag = part.getElementsByTagNameNS("*", "ETag").item(0).getTextContent().trim();
                parts.add(new MultipartUploads.CompletedPart(Integer.parseInt(number), etag));
            }
        } catch (Exception e) {
            throw S3Error.MALFORMED_XML.exception();
        }
        return parts;
    }

    /** Checks Content-MD5 and CRC32/CRC32C checksums of a body that is not going through the store's digests. */
    private static void verifyChecksums(EngineRequest request, AwsChunkedBody body) {
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
        long value = checksum.getValue();
        return Base64.getEncoder().encodeToString(new byte[] {(byte) (value >>> 24), (byte) (value >>> 16),
            (byte) (value >>> 8), (byte) value});
    }

    private static Document parseXml(byte[] body) throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        factory.setNamespaceAware(true);
        return factory.newDocumentBuilder().parse(new ByteArrayInputStream(body));
    }

    private static boolean matchesEtag(String header, String etag) {
        for (String candidate : header.split(",")) {
            String trimmed = candidate.trim();
            if (trimmed.equals("*") || trimmed.replace("\"", "").equals(etag)) {
                return true;
            }
        }
        return false;
    }

    /** Inclusive byte bounds of a single {@code bytes=} range, or null when S3 would ignore the header. */
    static long[] parseRange(String header, long size) {
        String value = header.trim();
        if (!value.startsWith("bytes=") || value.contains(",")) {
            return null;
        }
        String spec = value.substring(6).trim();
        int dash = spec.indexOf('-');
        if (dash < 0) {
            return null;
        }
        try {
            String from = spec.substring(0, dash).trim();
            String to = spec.substring(dash + 1).trim();
            long first;
            long last;
            if (from.isEmpty()) {
                long suffix = Long.parseLong(to);
                if (suffix == 0 || size == 0) {
                    throw S3Error.INVALID_RANGE.exception();
                }
                first = Math.max(0, size - suffix);
                last = size - 1;
            } else {
                first = Long.parseLong(from);
                last = to.isEmpty() ? size - 1 : Math.min(Long.parseLong(to), size - 1);
                if (!to.isEmpty() && Long.parseLong(to) < first) {
                    return null;
                }
                if (first >= size) {
                    throw S3Error.INVALID_RANGE.exception();
                }
            }
            return new long[] {first, last};
        } catch (NumberFormatException e) {
            return null;
        }
    }

    // ---- helpers

    private static AwsChunkedBody payload(EngineRequest request) {
        byte[] body = request.body() == null ? new byte[0] : request.body();
        if (AwsChunkedBody.isChunked(request.headers())) {
            return AwsChunkedBody.decode(body);
        }
        return new AwsChunkedBody(body, Map.of());
    }

    private static String checksum(EngineRequest request, AwsChunkedBody body, String name) {
        String value = request.header(name);
        return value != null ? value.trim() : body.trailers().get(name);
    }

    private static Map<String, String> userMetadata(EngineRequest request) {
        Map<String, String> metadata = new LinkedHashMap<>();
        request.headers().forEach((name, value) -> {
            if (name.startsWith("x-amz-meta-")) {
                metadata.put(name.substring("x-amz-meta-".length()), value);
            }
        });
        return metadata;
    }

    private static EngineResponse xml(int status, byte[] body) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", "application/xml");
        return new EngineResponse(status, headers, body);
    }

    private static EngineResponse empty(int status) {
        return new EngineResponse(status, new LinkedHashMap<>(), new byte[0]);
    }

    private static String emptyToNull(String value) {
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
