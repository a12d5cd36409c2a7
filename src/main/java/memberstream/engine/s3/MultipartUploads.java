package memberstream.engine.s3;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * S3 multipart uploads (what the AWS CLI uses for files over 8 MB): CreateMultipartUpload, UploadPart,
 * CompleteMultipartUpload, AbortMultipartUpload.
 *
 * <p>On disk, {@code <s3 root>/.uploads/<upload id>/}: {@code upload.properties} (bucket, key, content type,
 * user metadata as {@code meta.<name>}) and per part {@code <n>.part} (its bytes) and {@code <n>.md5} (hex
 * MD5, its ETag). Completing concatenates the listed parts into the object, whose ETag is, as on S3, the
 * MD5 of the parts' binary MD5s followed by {@code -<part count>}; then the upload directory goes.
 * Uploads not completed stay until aborted (S3 keeps them too, until a lifecycle rule removes them).
 *
 * <p>Thread-safety: different uploads are independent; parts of one upload may arrive concurrently
 * (each part is its own file, written to a temporary name and renamed).
 */
final class MultipartUploads {

    static final long MIN_PART_BYTES = 5L * 1024 * 1024;
    static final int MAX_PART_NUMBER = 10_000;

    private final S3ObjectStore store;
    private final Path root;

    MultipartUploads(S3ObjectStore store) {
        this.store = store;
        this.root = store.root().resolve(".uploads");
        try {
            Files.createDirectories(root);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String create(String bucket, String key, String contentType, Map<String, String> userMetadata) {
        if (!store.bucketExists(bucket)) {
            throw S3Error.NO_SUCH_BUCKET.forResource("BucketName", bucket);
        }
        String uploadId = UUID.randomUUID().toString().replace("-", "");
        Path dir = root.resolve(uploadId);
        Properties properties = new Properties();
        properties.setProperty("bucket", bucket);
        properties.setProperty("key", key);
        if (contentType != null) {
            properties.setProperty("contentType", contentType);
        }
        userMetadata.forEach((name, value) -> properties.setProperty("meta." + name, value));
        try {
            Files.createDirectories(dir);
            try (Writer writer = Files.newBufferedWriter(dir.resolve("upload.properties"), StandardCharsets.UTF_8)) {
                properties.store(writer, null);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return uploadId;
    }

    /** Stores one part; returns its ETag (hex MD5). */
    String uploadPart(String bucket, String key, String uploadId, int partNumber, byte[] bytes) {
        Path dir = upload(bucket, key, uploadId);
        if (partNumber < 1 || partNumber > MAX_PART_NUMBER) {
            throw S3Error.INVALID_ARGUMENT.exception("Part number must be an integer between 1 and 10000, inclusive");
        }
        String md5 = HexFormat.of().formatHex(md5(bytes));
        try {
            Path temp = dir.resolve(partNumber + ".part." + UUID.randomUUID());
            Files.write(temp, bytes);
            Files.move(temp, dir.resolve(partNumber + ".part"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            Files.writeString(dir.resolve(partNumber + ".md5"), md5, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return md5;
    }

    /** A part as the client lists it in CompleteMultipartUpload. */
    record CompletedPart(int partNumber, String etag) {
    }

    S3ObjectStore.ObjectInfo complete(String bucket, String key, String uploadId, List<CompletedPart> parts) {
        Path dir = upload(bucket, key, uploadId);
        if (parts.isEmpty()) {
            throw S3Error.MALFORMED_XML.exception();
        }
        MessageDigest composite = digest();
        int previous = 0;
        for (int i = 0; i < parts.size(); i++) {
            CompletedPart part = parts.get(i);
            if (part.partNumber() <= previous) {
                throw S3Error.INVALID_PART_ORDER.exception();
            }
            previous = part.partNumber();
            Path file = dir.resolve(part.partNumber() + ".part");
            String md5;
            try {
                md5 = Files.isRegularFile(file) ? Files.readString(dir.resolve(part.partNumber() + ".md5")).trim() : null;
                if (md5 == null || !md5.equals(part.etag().replace("\"", "").trim())) {
                    throw S3Error.INVALID_PART.exception();
                }
                if (i < parts.size() - 1 && Files.size(file) < MIN_PART_BYTES) {
                    throw S3Error.ENTITY_TOO_SMALL.exception();
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            composite.update(HexFormat.of().parseHex(md5));
        }
        String etag = HexFormat.of().formatHex(composite.digest()) + "-" + parts.size();
        Properties properties = properties(dir);
        Map<String, String> userMetadata = new TreeMap<>();
        for (String name : properties.stringPropertyNames()) {
            if (name.startsWith("meta.")) {
                userMetadata.put(name.substring(5), properties.getProperty(name));
            }
        }
        S3ObjectStore.ObjectInfo info = store.putObject(bucket, key, properties.getProperty("contentType"), userMetadata,
                out -> writeParts(dir, parts, out), digests -> { }, etag);
        deleteUpload(dir);
        return info;
    }

    void abort(String bucket, String key, String uploadId) {
        deleteUpload(upload(bucket, key, uploadId));
    }

    private static void writeParts(Path dir, List<CompletedPart> parts, OutputStream out) throws IOException {
        for (CompletedPart part : parts) {
            try (InputStream in = Files.newInputStream(dir.resolve(part.partNumber() + ".part"))) {
                in.transferTo(out);
            }
        }
    }

    private Path upload(String bucket, String key, String uploadId) {
        if (!store.bucketExists(bucket)) {
            throw S3Error.NO_SUCH_BUCKET.forResource("BucketName", bucket);
        }
        if (uploadId == null || !uploadId.matches("[0-9a-f]{32}")) {
            throw S3Error.NO_SUCH_UPLOAD.forResource("UploadId", uploadId);
        }
        Path dir = root.resolve(uploadId);
        if (!Files.isDirectory(dir)) {
            throw S3Error.NO_SUCH_UPLOAD.forResource("UploadId", uploadId);
        }
        Properties properties = properties(dir);
        if (!bucket.equals(properties.getProperty("bucket")) || !key.equals(properties.getProperty("key"))) {
            throw S3Error.NO_SUCH_UPLOAD.forResource("UploadId", uploadId);
        }
        return dir;
    }

    private static Properties properties(Path dir) {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(dir.resolve("upload.properties"), StandardCharsets.UTF_8)) {
            properties.load(reader);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return properties;
    }

    private static void deleteUpload(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.toList()) {
                Files.deleteIfExists(file);
            }
            Files.deleteIfExists(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] md5(byte[] bytes) {
        return digest().digest(bytes);
    }

    private static MessageDigest digest() {
        try {
            return MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
