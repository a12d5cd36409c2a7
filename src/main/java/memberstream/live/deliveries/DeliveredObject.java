package memberstream.live.deliveries;

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
 *
 * <p>Reading is bounded, because anyone who can write to the bucket chooses what is in it (a 61 KB
 * gzip can expand to gigabytes): decompression stops after {@link #MAX_CONTENT_BYTES}, at most
 * {@link #MAX_RECORDS} records are kept, and {@code cut} says that what is shown is only the start of
 * the object. The object as stored can still be downloaded whole.
 */
public record DeliveredObject(String compression, byte[] content, List<String> records, boolean json, boolean cut) {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final byte[] SNAPPY_FRAMED_MAGIC = {(byte) 0xff, 0x06, 0x00, 0x00, 's', 'N', 'a', 'P', 'p', 'Y'};
    /** Decompression stops here: a larger object is shown cut, so that it cannot take the console's memory and CPU. */
    public static final int MAX_CONTENT_BYTES = 8 * 1024 * 1024;
    /** Records kept (and pretty-printed) of one object. */
    public static final int MAX_RECORDS = 10_000;

    /** Thrown inside decompression when the limit is reached; what was read so far is kept. */
    private static final class LimitReached extends IOException {
        LimitReached() {
            super(null, null);
        }
    }

    public static DeliveredObject decode(String key, byte[] stored) {
        return decode(key, stored, false);
    }

    /** @param storedCut the stored bytes are only the start of the object (it was downloaded in part) */
    public static DeliveredObject decode(String key, byte[] stored, boolean storedCut) {
        String compression = compressionOf(key, stored);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        boolean cut = storedCut;
        try {
            switch (compression) {
                case "GZIP" -> copy(new GZIPInputStream(new ByteArrayInputStream(stored)), out);
                case "ZIP" -> unzip(stored, out);
                case "Snappy" -> copy(new SnappyFramedInputStream(new ByteArrayInputStream(stored)), out);
                case "HADOOP_SNAPPY" -> unHadoopSnappy(stored, out);
                default -> {
                    out.write(stored, 0, Math.min(stored.length, MAX_CONTENT_BYTES));
                    cut |= stored.length > MAX_CONTENT_BYTES;
                }
            }
        } catch (LimitReached limit) {
            cut = true;
        } catch (IOException e) {
            if (!storedCut || out.size() == 0) {
                throw new IllegalArgumentException("The object " + key + " looks " + compression
                        + "-compressed but could not be decompressed: " + e.getMessage(), e);
            }
        }
        byte[] content = out.toByteArray();
        List<String> jsonRecords = jsonValues(content, cut);
        if (jsonRecords != null) {
            return new DeliveredObject(compression, content, limited(jsonRecords), true, cut || jsonRecords.size() > MAX_RECORDS);
        }
        String text = new String(content, StandardCharsets.UTF_8);
        List<String> lines = text.lines().filter(line -> !line.isBlank()).limit(MAX_RECORDS + 1L).toList();
        return new DeliveredObject(compression, content, limited(lines), false, cut || lines.size() > MAX_RECORDS);
    }

    private static List<String> limited(List<String> records) {
        return records.size() > MAX_RECORDS ? List.copyOf(records.subList(0, MAX_RECORDS)) : records;
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

    /** The JSON values of the content, or null if it is not JSON; a cut content may end inside a value. */
    private static List<String> jsonValues(byte[] content, boolean cut) {
        List<String> records = new ArrayList<>();
        try (MappingIterator<JsonNode> values = JSON.readerFor(JsonNode.class)
                .without(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .with(JsonParser.Feature.AUTO_CLOSE_SOURCE).readValues(content)) {
            while (records.size() <= MAX_RECORDS && values.hasNextValue()) {
                JsonNode value = values.nextValue();
                if (!value.isContainerNode()) {
                    return null; // plain text that happens to start like a number or a word
                }
                records.add(JSON.writeValueAsString(value));
            }
            return records;
        } catch (IOException | RuntimeException notJson) {
            return cut && !records.isEmpty() ? records : null;
        }
    }

    private static void unzip(byte[] stored, ByteArrayOutputStream out) throws IOException {
        try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(stored))) {
            ZipEntry entry;
            while ((entry = zip.getNextEntry()) != null) {
                if (!entry.isDirectory()) {
                    copy(zip, out);
                }
            }
        }
    }

    /** Hadoop's BlockCompressorStream: per block, the raw length, then compressed chunks (length + bytes). */
    private static void unHadoopSnappy(byte[] stored, ByteArrayOutputStream out) throws IOException {
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
                int chunkRawLength = Snappy.uncompressedLength(chunk);
                if (chunkRawLength < 0 || chunkRawLength > MAX_CONTENT_BYTES - out.size()) {
                    throw new LimitReached();
                }
                byte[] raw = Snappy.uncompress(chunk);
                out.write(raw);
                produced += raw.length;
            }
        }
    }

    /** Copies until the end or until {@link #MAX_CONTENT_BYTES} are out (then throws {@link LimitReached}). */
    private static void copy(InputStream in, ByteArrayOutputStream out) throws IOException {
        byte[] buffer = new byte[64 * 1024];
        int n;
        while ((n = in.read(buffer, 0, Math.min(buffer.length, MAX_CONTENT_BYTES - out.size() + 1))) > 0) {
            int room = MAX_CONTENT_BYTES - out.size();
            out.write(buffer, 0, Math.min(n, room));
            if (n > room) {
                throw new LimitReached();
            }
        }
    }
}
