package memberstream.engine.s3;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import memberstream.engine.protocol.EngineRequest;
import memberstream.engine.protocol.EngineResponse;

/**
 * S3's object operations: put (with Content-MD5 and CRC checks), copy, get and head (ranges, conditional
 * requests) and delete. Stateless apart from the {@link S3ObjectStore}; safe for concurrent calls.
 */
final class ObjectOperations {

    private static final DateTimeFormatter HTTP_DATE = DateTimeFormatter.RFC_1123_DATE_TIME.withZone(ZoneOffset.UTC);

    private final S3ObjectStore store;

    ObjectOperations(S3ObjectStore store) {
        this.store = store;
    }

    EngineResponse putObject(S3Call call, EngineRequest request) {
        AwsChunkedBody body = S3Http.payload(request);
        byte[] bytes = body.payload();
        String decodedLength = request.header("x-amz-decoded-content-length");
        if (decodedLength != null && AwsChunkedBody.isChunked(request.headers())
                && !decodedLength.equals(Long.toString(bytes.length))) {
            throw S3Error.INCOMPLETE_BODY.exception();
        }
        String contentMd5 = request.header("content-md5");
        String crc32 = S3Http.checksum(request, body, "x-amz-checksum-crc32");
        String crc32c = S3Http.checksum(request, body, "x-amz-checksum-crc32c");
        S3ObjectStore.ObjectInfo info = store.putObject(call.bucket, call.key, request.header("content-type"),
                S3Http.userMetadata(request), out -> out.write(bytes), digests -> {
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
        EngineResponse response = S3Http.empty(200);
        response.headers().put("ETag", "\"" + info.etag() + "\"");
        if (crc32 != null) {
            response.headers().put("x-amz-checksum-crc32", crc32);
        }
        if (crc32c != null) {
            response.headers().put("x-amz-checksum-crc32c", crc32c);
        }
        return response;
    }

    EngineResponse copyObject(S3Call call, EngineRequest request) {
        String source = S3Http.decodePath(request.header("x-amz-copy-source"));
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
                replace ? S3Http.userMetadata(request) : sourceInfo.userMetadata(), out -> out.write(bytes));
        return S3Http.xml(200, S3Xml.copyObjectResult(info));
    }

    EngineResponse getObject(S3Call call, EngineRequest request, boolean withBody) {
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

    EngineResponse deleteObject(S3Call call) {
        store.deleteObject(call.bucket, call.key);
        return S3Http.empty(204);
    }
}
