package memberstream.engine.s3;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.Reader;
import java.io.Writer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.UUID;

/**
 * An object's metadata beside the bucket tree: {@code .meta/<bucket>/<2 hex>/<sha-256 of key>.properties}
 * holds key, size, ETag, last-modified, content type, checksums and user metadata ({@code meta.<name>}).
 * Written to {@code .tmp}, forced, then moved into place; a sidecar that is missing or whose key or size
 * does not match the file is rebuilt from the file. Stateless apart from the two directories.
 */
final class ObjectSidecars {

    private final Path metaRoot;
    private final Path tmp;

    ObjectSidecars(Path metaRoot, Path tmp) {
        this.metaRoot = metaRoot;
        this.tmp = tmp;
    }

    Path sidecar(String bucket, String key) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
            String hex = HexFormat.of().formatHex(hash);
            return metaRoot.resolve(bucket).resolve(hex.substring(0, 2)).resolve(hex + ".properties");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    void write(String bucket, S3ObjectStore.ObjectInfo info) throws IOException {
        Properties properties = new Properties();
        properties.setProperty("key", info.key());
        properties.setProperty("size", Long.toString(info.size()));
        properties.setProperty("etag", info.etag());
        properties.setProperty("lastModified", Long.toString(info.lastModified().toEpochMilli()));
        properties.setProperty("contentType", info.contentType());
        if (info.crc32() != null) {
            properties.setProperty("crc32", info.crc32());
        }
        if (info.crc32c() != null) {
            properties.setProperty("crc32c", info.crc32c());
        }
        info.userMetadata().forEach((name, value) -> properties.setProperty("meta." + name, value));
        Path file = sidecar(bucket, info.key());
        Files.createDirectories(file.getParent());
        writeAtomically(file, properties);
    }

    /** What the sidecar says of the object in {@code file}, rebuilt from the file when missing or stale. */
    S3ObjectStore.ObjectInfo info(String bucket, String key, Path file) throws IOException {
        long size = Files.size(file);
        Path sidecar = sidecar(bucket, key);
        if (Files.isRegularFile(sidecar)) {
            Properties p = readProperties(sidecar);
            if (key.equals(p.getProperty("key")) && Long.toString(size).equals(p.getProperty("size"))) {
                Map<String, String> userMetadata = new TreeMap<>();
                for (String name : p.stringPropertyNames()) {
                    if (name.startsWith("meta.")) {
                        userMetadata.put(name.substring(5), p.getProperty(name));
                    }
                }
                return new S3ObjectStore.ObjectInfo(key, size, p.getProperty("etag"),
                        Instant.ofEpochMilli(Long.parseLong(p.getProperty("lastModified"))),
                        p.getProperty("contentType", S3ObjectStore.DEFAULT_CONTENT_TYPE), p.getProperty("crc32"),
                        p.getProperty("crc32c"), userMetadata);
            }
        }
        // No sidecar (a crash between body and sidecar, or a file put there by hand): rebuild it.
        S3ObjectStore.BodyDigests digests;
        try (InputStream in = Files.newInputStream(file);
             DigestingOutputStream out = new DigestingOutputStream(OutputStream.nullOutputStream())) {
            in.transferTo(out);
            digests = out.digests();
        }
        S3ObjectStore.ObjectInfo info = new S3ObjectStore.ObjectInfo(key, digests.size(), HexFormat.of().formatHex(digests.md5()),
                Files.getLastModifiedTime(file).toInstant(), S3ObjectStore.DEFAULT_CONTENT_TYPE, digests.crc32Base64(),
                digests.crc32cBase64(), Map.of());
        write(bucket, info);
        return info;
    }

    void writeAtomically(Path file, Properties properties) throws IOException {
        Path temp = tmp.resolve(UUID.randomUUID() + ".properties");
        try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            Writer writer = Channels.newWriter(channel, StandardCharsets.UTF_8);
            properties.store(writer, null);
            writer.flush();
            channel.force(true);
        }
        ObjectFiles.move(temp, file);
    }

    static Properties readProperties(Path file) throws IOException {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            properties.load(reader);
        }
        return properties;
    }
}
