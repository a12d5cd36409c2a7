package memberstream.live.deliveries;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.zip.GZIPOutputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.xerial.snappy.SnappyFramedOutputStream;
import org.xerial.snappy.SnappyHadoopCompatibleOutputStream;

class DeliveredObjectTest {

    private static final String TWO_EVENTS =
            "{\"type\":\"memberstream.member.created\",\"subject\":\"1\"}{\"type\":\"memberstream.member.deleted\",\"subject\":\"1\"}";

    @Test
    void splitsConcatenatedJsonRecordsAndPrettyPrintsThem() {
        DeliveredObject object = DeliveredObject.decode("2026/12/01/10/members-1-x", TWO_EVENTS.getBytes(StandardCharsets.UTF_8));

        assertThat(object.compression()).isEqualTo("UNCOMPRESSED");
        assertThat(object.json()).isTrue();
        assertThat(object.records()).hasSize(2);
        assertThat(object.records().get(1)).contains("\n").contains("\"type\" : \"memberstream.member.deleted\"");
    }

    @Test
    void newlineDelimitedRecordsToo() {
        DeliveredObject object = DeliveredObject.decode("k", "{\"a\":1}\n{\"a\":2}\n{\"a\":3}\n".getBytes(StandardCharsets.UTF_8));
        assertThat(object.records()).hasSize(3);
    }

    @Test
    void plainTextIsSplitIntoLines() {
        DeliveredObject object = DeliveredObject.decode("k", "hello\nworld\n".getBytes(StandardCharsets.UTF_8));
        assertThat(object.json()).isFalse();
        assertThat(object.records()).containsExactly("hello", "world");
    }

    @Test
    void readsEveryFirehoseCompression() throws IOException {
        byte[] raw = TWO_EVENTS.getBytes(StandardCharsets.UTF_8);
        assertDecodes("a.gz", compress(raw, GZIPOutputStream::new), "GZIP");
        assertDecodes("a.zip", zip(raw), "ZIP");
        assertDecodes("a.snappy", compress(raw, SnappyFramedOutputStream::new), "Snappy");
        assertDecodes("a.snappy", compress(raw, SnappyHadoopCompatibleOutputStream::new), "HADOOP_SNAPPY");
    }

    @Test
    void aDamagedObjectGivesAClearError() {
        byte[] notReallyGzip = {0x1f, (byte) 0x8b, 1, 2, 3};
        assertThatThrownBy(() -> DeliveredObject.decode("x.gz", notReallyGzip))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("GZIP-compressed but could not");
    }

    @Test
    void aDecompressionBombIsCutAtTheLimitAndSaysSo() throws IOException {
        // 64 MiB of records in a gzip of well under 1 MiB: reading it whole cost seconds of CPU and gigabytes.
        byte[] line = "{\"a\":1}\n".getBytes(StandardCharsets.UTF_8);
        byte[] bomb = compress(new byte[0], out -> new GZIPOutputStream(out) {
            @Override
            public void close() throws IOException {
                for (long written = 0; written < 64L * 1024 * 1024; written += line.length * 1024L) {
                    for (int i = 0; i < 1024; i++) {
                        write(line);
                    }
                }
                super.close();
            }
        });
        assertThat(bomb.length).isLessThan(1024 * 1024);

        DeliveredObject object = DeliveredObject.decode("bomb.gz", bomb);
        assertThat(object.cut()).isTrue();
        assertThat(object.content()).hasSize(DeliveredObject.MAX_CONTENT_BYTES);
        assertThat(object.json()).isTrue();
        assertThat(object.records()).hasSize(DeliveredObject.MAX_RECORDS);
    }

    @Test
    void aSmallObjectIsNotCut() {
        assertThat(DeliveredObject.decode("k", TWO_EVENTS.getBytes(StandardCharsets.UTF_8)).cut()).isFalse();
    }

    @Test
    void aDownloadCutShortStillShowsItsWholeRecords() throws IOException {
        byte[] whole = compress("{\"a\":1}\n{\"a\":2}\n{\"a\":3}\n".repeat(2000).getBytes(StandardCharsets.UTF_8), GZIPOutputStream::new);
        byte[] start = java.util.Arrays.copyOf(whole, whole.length / 2);
        DeliveredObject object = DeliveredObject.decode("k.gz", start, true);
        assertThat(object.cut()).isTrue();
        assertThat(object.records()).isNotEmpty().allSatisfy(record -> assertThat(record).startsWith("{"));
    }

    @Test
    void compressionFromTheKeyForListings() {
        assertThat(DeliveredObject.compressionFromKey("a/b.gz")).isEqualTo("GZIP");
        assertThat(DeliveredObject.compressionFromKey("a/b")).isEqualTo("UNCOMPRESSED");
    }

    private static void assertDecodes(String key, byte[] stored, String compression) {
        DeliveredObject object = DeliveredObject.decode(key, stored);
        assertThat(object.compression()).isEqualTo(compression);
        assertThat(new String(object.content(), StandardCharsets.UTF_8)).isEqualTo(TWO_EVENTS);
        assertThat(object.records()).hasSize(2);
    }

    interface Wrapper {
        OutputStream wrap(OutputStream out) throws IOException;
    }

    private static byte[] compress(byte[] raw, Wrapper wrapper) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (OutputStream out = wrapper.wrap(bytes)) {
            out.write(raw);
        }
        return bytes.toByteArray();
    }

    private static byte[] zip(byte[] raw) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            zip.putNextEntry(new ZipEntry("records"));
            zip.write(raw);
            zip.closeEntry();
        }
        return bytes.toByteArray();
    }
}
