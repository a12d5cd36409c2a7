package memberstream.live;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.xerial.snappy.Snappy;
import org.xerial.snappy.SnappyFramedInputStream;

/**
 * An S3 object that Firehose delivered, decompressed and split into its records. The compression is
 * read from the bytes (gzip, zip and Snappy framing have magic numbers; Hadoop's block format has
 * none, so a {@code .snappy} object without the framing magic is read as that). Records are JSON
 * values one after another, with or without a newline between them (Firehose adds none unless the
 * AppendDelimiterToRecord processor is on); anything else is split into lines.
 */
public record DeliveredObject(String compression, byte[] content, List<String> records, boolean json) {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final byte[] SNAPPY_FRAMED_MAGIC = {(byte) 0xff, 0x06, 0x00, 0x00, 's', 'N', 'a', 'P', 'p', 'Y'};
    /** A decompressed object larger than this is cut, so a huge object cannot take the console's memory. */
    static final int MAX_CONTENT_BYTES = 64 * 1024 * 1024;

    public static DeliveredObject decode(String key, byte[] stored) {
        String compression = compressionOf(key, stored);
        byte[] content;
        try {
            content = switch (compression) {
                case "GZIP" -> readAll(new GZIPInputStream(new ByteArrayInputStream(stored)));
                case "ZIP" -> unzip(stored);
                case "Snappy" -> readAll(new SnappyFramedInputStream(new ByteArrayInputStream(stored)));
                case "HADOOP_SNAPPY" -> unHadoopSnappy(stored);
                default -> stored;
            };
        } catch (IOException e) {
            throw new IllegalArgumentException("The object " + key + " looks " + compression
                    + "-compressed but could not be decompressed: " + e.getMessage(), e);
        }
        List<String> jsonRecords = jsonValues(content);
        if (jsonRecords != null) {
            return new DeliveredObject(compression, content, jsonRecords, true);
        }
        String text = new String(content, StandardCharsets.UTF_8);
        List<String> lines = text.lines().filter(line -> !line.isBlank()).toList();
        return new DeliveredObject(compression, content, lines, false);
    }

    /** What the object's bytes say about its compression (the extension decides only between the Snappy formats). */
    public static String compressionOf(String key, byte[] stored) {
        if (stored.length >= 2 && (stored[0] & 0xff) == 0x1f && (stored[1] & 0xff) == 0x8b) {
            return "GZIP";
        }
        if (stored.length >= 4 && stored[0] == 'P' && stored[1] == 'K' && stored[2] == 3 && stored[3] == 4) {
            return "ZIP";
        }
        if (stored.length >= SNAPPY_FRAMED_MAGIC.length
                && Arrays.equals(Arrays.copyOf(stored, SNAPPY_FRAMED_MAGIC.length), SNAPPY_FRAMED_MAGIC)) {
            return "Snappy";
        }
        if (key.endsWith(".snappy")) {
            return "HADOOP_SNAPPY";
        }
        return "UNCOMPRESSED";
    }

    /** The compression an object's key suggests, for a listing that has not read the object. */
    public static String compressionFromKey(String key) {
        if (key.endsWith(".gz")) {
            return "GZIP";
        }
        if (key.endsWith(".zip")) {
            return "ZIP";
        }
        if (key.endsWith(".snappy")) {
            return "Snappy";
        }
        return "UNCOMPRESSED";
    }

    private static List<String> jsonValues(byte[] content) {
        List<String> records = new ArrayList<>();
        try (MappingIterator<JsonNode> values = JSON.readerFor(JsonNode.class)
                .without(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .with(JsonParser.Feature.AUTO_CLOSE_SOURCE).readValues(content)) {
            while (values.hasNextValue()) {
                JsonNode value = values.nextValue();
                if (!value.isContainerNode()) {
                    return null; // plain text that happens to start like a number or a word
                }
                records.add(JSON.writeValueAsString(value));
            }
            return records;
        } catch (IOException | RuntimeException notJson) {
            return null;
        }
    }

    private static byte[] unzip(byte[] stored) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(stored))) {
            ZipEntry entry;
            while ((entry = zip.getNextEntry()) != null) {
                if (!entry.isDirectory()) {
                    copy(zip, out);
                }
            }
        }
        return out.toByteArray();
    }

    /** Hadoop's BlockCompressorStream: per block, the raw length, then compressed chunks (length + bytes). */
    private static byte[] unHadoopSnappy(byte[] stored) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(stored));
        while (in.available() > 0) {
            int rawLength = in.readInt();
            int produced = 0;
            while (produced < rawLength) {
                int compressedLength = in.readInt();
                if (compressedLength < 0 || compressedLength > stored.length) {
                    throw new IOException("bad chunk length " + compressedLength);
                }
                byte[] chunk = in.readNBytes(compressedLength);
                if (chunk.length < compressedLength) {
                    throw new EOFException("object ends inside a chunk");
                }
                byte[] raw = Snappy.uncompress(chunk);
                out.write(raw);
                produced += raw.length;
                checkSize(out.size());
            }
        }
        return out.toByteArray();
    }

    private static byte[] readAll(InputStream in) throws IOException {
        try (in) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            copy(in, out);
            return out.toByteArray();
        }
    }

    private static void copy(InputStream in, ByteArrayOutputStream out) throws IOException {
        byte[] buffer = new byte[64 * 1024];
        int n;
        while ((n = in.read(buffer)) > 0) {
            out.write(buffer, 0, n);
            checkSize(out.size());
        }
    }

    private static void checkSize(int size) throws IOException {
        if (size > MAX_CONTENT_BYTES) {
            throw new IOException("more than " + MAX_CONTENT_BYTES / (1024 * 1024) + " MiB once decompressed");
        }
    }
}
