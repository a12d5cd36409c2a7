package memberstream.engine.firehose;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipInputStream;
import org.xerial.snappy.Snappy;
import org.xerial.snappy.SnappyFramedInputStream;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.firehose.FirehoseClient;
import software.amazon.awssdk.services.firehose.model.ExtendedS3DestinationConfiguration;
import software.amazon.awssdk.services.firehose.model.Record;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/** Shared steps of the Firehose tests: creating streams, putting records, reading back objects. */
final class FirehoseTestSupport {

    static final String ROLE = "arn:aws:iam::000000000000:role/firehose-delivery";

    private FirehoseTestSupport() {
    }

    static void createStream(FirehoseClient firehose, String name, String bucket,
                             Consumer<ExtendedS3DestinationConfiguration.Builder> destination) {
        firehose.createDeliveryStream(b -> b.deliveryStreamName(name).deliveryStreamType("DirectPut")
                .extendedS3DestinationConfiguration(d -> {
                    d.roleARN(ROLE).bucketARN("arn:aws:s3:::" + bucket);
                    destination.accept(d);
                }));
    }

    static List<Record> records(int count, int size, String tag) {
        List<Record> records = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            records.add(Record.builder().data(SdkBytes.fromUtf8String(json(tag, i, size))).build());
        }
        return records;
    }

    /** A JSON record of exactly {@code size} bytes. */
    static String json(String tag, int index, int size) {
        String head = "{\"tag\":\"" + tag + "\",\"n\":" + index + ",\"pad\":\"";
        String tail = "\"}";
        return head + "x".repeat(Math.max(0, size - head.length() - tail.length())) + tail;
    }

    static List<String> keys(S3Client s3, String bucket, String prefix) {
        return s3.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(prefix)).contents().stream().map(S3Object::key).toList();
    }

    static byte[] object(S3Client s3, String bucket, String key) {
        return s3.getObjectAsBytes(b -> b.bucket(bucket).key(key)).asByteArray();
    }

    static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    static byte[] decompress(String format, byte[] compressed) {
        try {
            return switch (format) {
                case "UNCOMPRESSED" -> compressed;
                case "GZIP" -> readAll(new GZIPInputStream(new ByteArrayInputStream(compressed)));
                case "ZIP" -> {
                    ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(compressed));
                    if (zip.getNextEntry() == null) {
                        throw new IllegalStateException("empty zip");
                    }
                    byte[] entry = zip.readAllBytes();
                    if (zip.getNextEntry() != null) {
                        throw new IllegalStateException("more than one zip entry");
                    }
                    yield entry;
                }
                case "Snappy" -> readAll(new SnappyFramedInputStream(new ByteArrayInputStream(compressed)));
                case "HADOOP_SNAPPY" -> hadoopSnappy(compressed);
                default -> throw new IllegalArgumentException(format);
            };
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Hadoop's block format: [uncompressed length][compressed length][snappy block]... per block. */
    private static byte[] hadoopSnappy(byte[] compressed) throws IOException {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(compressed));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        while (true) {
            int uncompressedLength;
            try {
                uncompressedLength = in.readInt();
            } catch (EOFException end) {
                return out.toByteArray();
            }
            int done = 0;
            while (done < uncompressedLength) {
                byte[] chunk = new byte[in.readInt()];
                in.readFully(chunk);
                byte[] plain = Snappy.uncompress(chunk);
                out.write(plain);
                done += plain.length;
            }
        }
    }

    private static byte[] readAll(InputStream in) throws IOException {
        try (in) {
            return in.readAllBytes();
        }
    }
}
