package memberstream.engine.s3;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * S3 buckets and objects as plain files, so a person can open what was delivered.
 *
 * <p>Layout under the root ({@code <data-dir>/s3}):
 * <ul>
 * <li>{@code <bucket>/<key>}: the object's bytes, one file per object; keys map to paths as
 *     {@link ObjectKeyPaths} describes (normally the key itself).</li>
 * <li>{@code .meta/<bucket>/bucket.properties}: the bucket's creation time.</li>
 * <li>{@code .meta/<bucket>/<2 hex>/<sha-256 of key>.properties}: the object's sidecar (key, size,
 *     ETag, content type, checksums, user metadata, last-modified). Bucket names cannot start with a
 *     dot, so {@code .meta} and {@code .tmp} never collide with a bucket, and sidecars live outside
 *     the bucket directory, so they never collide with a key.</li>
 * <li>{@code .tmp/}: bodies being written; emptied at start.</li>
 * </ul>
 * A body is written to {@code .tmp}, forced to disk, then moved into place atomically, then its
 * sidecar is written the same way. A crash can leave an object without a (current) sidecar; the
 * sidecar is then rebuilt from the file on first read, so a file a person drops into a bucket
 * directory also becomes an object.
 *
 * <p>Thread-safety: all methods may be called from any thread. Bodies are written without a lock;
 * changes to the tree (commit, delete, buckets) take the write lock, reads the read lock only while
 * they resolve and open a file (an open file stays readable if it is replaced or deleted).
 */
public final class S3ObjectStore {

    public static final String DEFAULT_CONTENT_TYPE = "binary/octet-stream";
    private static final Pattern BUCKET_NAME = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");
    private static final Pattern IP_ADDRESS = Pattern.compile("\\d+\\.\\d+\\.\\d+\\.\\d+");

    private final Path root;
    private final Path metaRoot;
    private final Path tmp;
    private final Clock clock;
    private final ObjectSidecars sidecars;
    private final ReadWriteLock lock = new ReentrantReadWriteLock();

    public S3ObjectStore(Path root, Clock clock) {
        this.root = root.toAbsolutePath().normalize();
        this.metaRoot = this.root.resolve(".meta");
        this.tmp = this.root.resolve(".tmp");
        this.clock = clock;
        this.sidecars = new ObjectSidecars(metaRoot, tmp);
        try {
            Files.createDirectories(metaRoot);
            Files.createDirectories(tmp);
            try (Stream<Path> leftovers = Files.list(tmp)) {
                for (Path leftover : leftovers.toList()) {
                    Files.deleteIfExists(leftover);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot prepare the S3 directory " + this.root, e);
        }
    }

    public Path root() {
        return root;
    }

    /** Bucket names as S3 allows them (3-63 characters, lower case, digits, dots and hyphens). */
    public static boolean isValidBucketName(String name) {
        return name != null && BUCKET_NAME.matcher(name).matches() && !name.contains("..")
                && !name.contains(".-") && !name.contains("-.") && !IP_ADDRESS.matcher(name).matches();
    }

    // ---- buckets

    public record BucketInfo(String name, Instant created) {
    }

    public void createBucket(String name) {
        if (!isValidBucketName(name)) {
            throw S3Error.INVALID_BUCKET_NAME.forResource("BucketName", name);
        }
        lock.writeLock().lock();
        try {
            Path dir = root.resolve(name);
            if (Files.isDirectory(dir)) {
                throw S3Error.BUCKET_ALREADY_OWNED_BY_YOU.forResource("BucketName", name);
            }
            Files.createDirectories(dir);
            Path metaDir = metaRoot.resolve(name);
            Files.createDirectories(metaDir);
            Properties properties = new Properties();
            properties.setProperty("created", Long.toString(clock.millis()));
            sidecars.writeAtomically(metaDir.resolve("bucket.properties"), properties);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            lock.writeLock().unlock();
        }
    }

    public boolean bucketExists(String name) {
        return isValidBucketName(name) && Files.isDirectory(root.resolve(name));
    }

    public List<BucketInfo> listBuckets() {
        lock.readLock().lock();
        try (Stream<Path> dirs = Files.list(root)) {
            List<BucketInfo> buckets = new ArrayList<>();
            for (Path dir : dirs.sorted().toList()) {
                String name = dir.getFileName().toString();
                if (Files.isDirectory(dir) && isValidBucketName(name)) {
                    buckets.add(new BucketInfo(name, bucketCreated(name, dir)));
                }
            }
            return buckets;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            lock.readLock().unlock();
        }
    }

    private Instant bucketCreated(String name, Path dir) throws IOException {
        Path file = metaRoot.resolve(name).resolve("bucket.properties");
        if (Files.isRegularFile(file)) {
            String created = ObjectSidecars.readProperties(file).getProperty("created");
            if (created != null) {
                return Instant.ofEpochMilli(Long.parseLong(created));
            }
        }
        return Files.getLastModifiedTime(dir).toInstant();
    }

    public void deleteBucket(String name) {
        lock.writeLock().lock();
        try {
            Path dir = requireBucket(name);
            try (Stream<Path> files = Files.walk(dir)) {
                if (files.anyMatch(Files::isRegularFile)) {
                    throw S3Error.BUCKET_NOT_EMPTY.forResource("BucketName", name);
                }
            }
            ObjectFiles.deleteTree(dir);
            ObjectFiles.deleteTree(metaRoot.resolve(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            lock.writeLock().unlock();
        }
    }

    private Path requireBucket(String name) {
        if (!bucketExists(name)) {
            throw S3Error.NO_SUCH_BUCKET.forResource("BucketName", name);
        }
        return root.resolve(name);
    }

    // ---- objects

    /** What S3 reports about an object. {@code etag} is the hex MD5 without quotes. */
    public record ObjectInfo(String key, long size, String etag, Instant lastModified, String contentType,
                             String crc32, String crc32c, Map<String, String> userMetadata) {
    }

    /** Digests of a body as it was written, for checking the client's Content-MD5 and checksums. */
    public record BodyDigests(long size, byte[] md5, String crc32Base64, String crc32cBase64) {
    }

    /** Writes an object's body; the store wraps the stream to count and digest it. */
    @FunctionalInterface
    public interface BodyWriter {
        void writeTo(OutputStream out) throws IOException;
    }

    /** Looks at the digests before the object becomes visible; throws an {@link S3Exception} to refuse it. */
    @FunctionalInterface
    public interface BodyCheck {
        void check(BodyDigests digests);
    }

    public ObjectInfo putObject(String bucket, String key, String contentType, Map<String, String> userMetadata,
                                BodyWriter body) {
        return putObject(bucket, key, contentType, userMetadata, body, digests -> { });
    }

    public ObjectInfo putObject(String bucket, String key, String contentType, Map<String, String> userMetadata,
                                BodyWriter body, BodyCheck check) {
        return putObject(bucket, key, contentType, userMetadata, body, check, null);
    }

    /** As above; {@code etag} replaces the body's MD5 as ETag (multipart objects have a composite one). */
    ObjectInfo putObject(String bucket, String key, String contentType, Map<String, String> userMetadata,
                         BodyWriter body, BodyCheck check, String etag) {
        requireBucket(bucket);
        validateKey(key);
        Path temp = tmp.resolve(UUID.randomUUID() + ".part");
        try {
            BodyDigests digests;
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                 DigestingOutputStream out = new DigestingOutputStream(
                         new BufferedOutputStream(Channels.newOutputStream(channel), 256 * 1024))) {
                body.writeTo(out);
                out.flush();
                channel.force(true);
                digests = out.digests();
            }
            check.check(digests);
            ObjectInfo info = new ObjectInfo(key, digests.size(), etag != null ? etag : HexFormat.of().formatHex(digests.md5()),
                    Instant.ofEpochMilli(clock.millis()),
                    contentType == null || contentType.isBlank() ? DEFAULT_CONTENT_TYPE : contentType,
                    digests.crc32Base64(), digests.crc32cBase64(),
                    userMetadata == null ? Map.of() : new TreeMap<>(userMetadata));
            lock.writeLock().lock();
            try {
                Path bucketDir = requireBucket(bucket);
                Path target = ObjectFiles.prepareLeaf(bucketDir, key);
                ObjectFiles.move(temp, target);
                sidecars.write(bucket, info);
            } finally {
                lock.writeLock().unlock();
            }
            return info;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write s3://" + bucket + "/" + key, e);
        } finally {
            try {
                Files.deleteIfExists(temp);
            } catch (IOException ignored) {
                // the next start empties .tmp
            }
        }
    }

    private static void validateKey(String key) {
        if (key == null || key.isEmpty()) {
            throw S3Error.INVALID_ARGUMENT.exception("The key must not be empty.");
        }
        if (key.getBytes(StandardCharsets.UTF_8).length > 1024) {
            throw S3Error.KEY_TOO_LONG.exception();
        }
        for (String segment : ObjectKeyPaths.segments(key)) {
            ObjectKeyPaths.encodeSegment(segment);
        }
    }

    public ObjectInfo headObject(String bucket, String key) {
        lock.readLock().lock();
        try {
            Path file = locate(bucket, key);
            return sidecars.info(bucket, key, file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            lock.readLock().unlock();
        }
    }

    /** An object opened for reading; close it when done. */
    public record OpenObject(ObjectInfo info, FileChannel channel) implements AutoCloseable {
        @Override
        public void close() throws IOException {
            channel.close();
        }
    }

    public OpenObject openObject(String bucket, String key) {
        lock.readLock().lock();
        try {
            Path file = locate(bucket, key);
            ObjectInfo info = sidecars.info(bucket, key, file);
            return new OpenObject(info, FileChannel.open(file, StandardOpenOption.READ));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            lock.readLock().unlock();
        }
    }

    public byte[] readObject(String bucket, String key) {
        try (OpenObject object = openObject(bucket, key); InputStream in = Channels.newInputStream(object.channel())) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Deletes the object if it exists; S3 answers the same either way. */
    public void deleteObject(String bucket, String key) {
        lock.writeLock().lock();
        try {
            Path bucketDir = requireBucket(bucket);
            Path file = ObjectFiles.findLeaf(bucketDir, key);
            if (file != null) {
                Files.deleteIfExists(file);
                Files.deleteIfExists(sidecars.sidecar(bucket, key));
                ObjectFiles.pruneEmptyDirectories(bucketDir, file.getParent());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            lock.writeLock().unlock();
        }
    }

    // ---- listing

    /** One page of a listing; {@code nextMarker} is the last key or common prefix returned when truncated. */
    public record Listing(List<ObjectInfo> objects, List<String> commonPrefixes, boolean truncated, String nextMarker) {
    }

    /**
     * Lists keys after {@code startAfter} (exclusive, may be null) that start with {@code prefix}, rolling keys
     * up to the first {@code delimiter} after the prefix into common prefixes, at most {@code maxKeys} entries.
     */
    public Listing list(String bucket, String prefix, String delimiter, String startAfter, int maxKeys) {
        String effectivePrefix = prefix == null ? "" : prefix;
        String effectiveDelimiter = delimiter == null || delimiter.isEmpty() ? null : delimiter;
        List<String> keys;
        lock.readLock().lock();
        try {
            Path bucketDir = requireBucket(bucket);
            keys = keysUnder(bucketDir, effectivePrefix);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            lock.readLock().unlock();
        }
        keys.sort(ObjectKeyPaths::compareKeys);
        List<ObjectInfo> objects = new ArrayList<>();
        List<String> prefixes = new ArrayList<>();
        String last = null;
        boolean truncated = false;
        for (String key : keys) {
            if (startAfter != null && ObjectKeyPaths.compareKeys(key, startAfter) <= 0) {
                continue;
            }
            String rolledUp = null;
            if (effectiveDelimiter != null) {
                int at = key.indexOf(effectiveDelimiter, effectivePrefix.length());
                if (at >= 0) {
                    rolledUp = key.substring(0, at + effectiveDelimiter.length());
                }
            }
            if (rolledUp != null && (rolledUp.equals(last) || rolledUp.equals(startAfter))) {
                continue;
            }
            if (objects.size() + prefixes.size() >= maxKeys) {
                truncated = true;
                break;
            }
            if (rolledUp != null) {
                prefixes.add(rolledUp);
                last = rolledUp;
            } else {
                try {
                    objects.add(headObject(bucket, key));
                } catch (S3Exception deletedMeanwhile) {
                    continue;
                }
                last = key;
            }
        }
        // max-keys=0 asks for an empty page: there is nothing to continue from, so it is not a truncated one.
        boolean resumable = truncated && last != null;
        return new Listing(objects, prefixes, resumable, resumable ? last : null);
    }

    private List<String> keysUnder(Path bucketDir, String prefix) throws IOException {
        // Start the walk at the deepest directory the prefix names completely.
        List<String> segments = ObjectKeyPaths.segments(prefix);
        Path start = bucketDir;
        StringBuilder startKey = new StringBuilder();
        for (int i = 0; i < segments.size() - 1; i++) {
            Path next = start.resolve(ObjectKeyPaths.encodeSegment(segments.get(i)));
            if (!Files.isDirectory(next)) {
                return new ArrayList<>();
            }
            start = next;
            startKey.append(segments.get(i)).append('/');
        }
        List<String> keys = new ArrayList<>();
        collectKeys(start, startKey.toString(), prefix, keys);
        return keys;
    }

    private void collectKeys(Path dir, String keyPrefix, String filter, List<String> keys) throws IOException {
        List<Path> children;
        try (Stream<Path> list = Files.list(dir)) {
            children = list.toList();
        } catch (NoSuchFileException gone) {
            return;
        }
        for (Path child : children) {
            String segment = ObjectKeyPaths.decodeName(child.getFileName().toString());
            String key = keyPrefix + segment;
            if (Files.isDirectory(child)) {
                String dirKey = key + "/";
                if (dirKey.startsWith(filter) || filter.startsWith(dirKey)) {
                    collectKeys(child, dirKey, filter, keys);
                }
            } else if (Files.isRegularFile(child) && key.startsWith(filter)) {
                keys.add(key);
            }
        }
    }

    private Path locate(String bucket, String key) throws IOException {
        Path bucketDir = requireBucket(bucket);
        Path file = key == null || key.isEmpty() ? null : ObjectFiles.findLeaf(bucketDir, key);
        if (file == null) {
            throw S3Error.NO_SUCH_KEY.forResource("Key", key);
        }
        return file;
    }

}
