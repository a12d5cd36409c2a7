package memberstream.engine.firehose;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.xerial.snappy.SnappyFramedOutputStream;
import org.xerial.snappy.SnappyHadoopCompatibleOutputStream;

/**
 * Firehose's {@code CompressionFormat} values with the file extension each gives an object, and the
 * stream that writes it. {@code Snappy} is the Snappy framing format; {@code HADOOP_SNAPPY} is the block
 * format Hadoop's SnappyCodec reads. Both use {@code .snappy} (AWS documents no separate extension for
 * HADOOP_SNAPPY; UNCONFIRMED against a real delivery).
 */
enum Compression {
    UNCOMPRESSED("UNCOMPRESSED", ""),
    GZIP("GZIP", ".gz"),
    ZIP("ZIP", ".zip"),
    SNAPPY("Snappy", ".snappy"),
    HADOOP_SNAPPY("HADOOP_SNAPPY", ".snappy");

    private final String wireName;
    private final String extension;

    Compression(String wireName, String extension) {
        this.wireName = wireName;
        this.extension = extension;
    }

    String wireName() {
        return wireName;
    }

    String extension() {
        return extension;
    }

    static Compression fromWire(String value) {
        if (value == null) {
            return UNCOMPRESSED;
        }
        for (Compression compression : values()) {
            if (compression.wireName.equals(value)) {
                return compression;
            }
        }
        return null;
    }

    /**
     * Wraps {@code target} so that what is written to the result lands compressed; closing the result
     * finishes the format but leaves {@code target} open. {@code entryName} names the single ZIP entry.
     */
    OutputStream wrap(OutputStream target, String entryName) throws IOException {
        OutputStream shielded = new FilterOutputStream(target) {
            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                out.write(b, off, len);
            }

            @Override
            public void close() throws IOException {
                flush();
            }
        };
        return switch (this) {
            case UNCOMPRESSED -> shielded;
            case GZIP -> new GZIPOutputStream(shielded, 64 * 1024) {
                {
                    def.setLevel(Deflater.BEST_SPEED);
                }
            };
            case ZIP -> {
                ZipOutputStream zip = new ZipOutputStream(shielded);
                zip.setLevel(Deflater.BEST_SPEED);
                zip.putNextEntry(new ZipEntry(entryName));
                yield zip;
            }
            case SNAPPY -> new SnappyFramedOutputStream(shielded);
            case HADOOP_SNAPPY -> new SnappyHadoopCompatibleOutputStream(shielded);
        };
    }
}
