package memberstream.engine.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SegmentLogTest {

    @TempDir
    Path dir;

    @Test
    void entriesComeBackByPositionAndAfterReopening() {
        long[] positions = new long[3];
        try (SegmentLog log = SegmentLog.open(dir, FsyncPolicy.EVERY_BATCH, 1024 * 1024, (p, b) -> { })) {
            long end = log.append(List.of(text("one"), text("two"), text("three")), positions);
            log.awaitDurable(end);
            assertThat(log.durablePosition()).isEqualTo(end);
            assertThat(positions).containsExactly(0, 11, 22);
            assertThat(string(log.read(positions[1]))).isEqualTo("two");
        }
        List<String> replayed = new ArrayList<>();
        try (SegmentLog log = SegmentLog.open(dir, FsyncPolicy.EVERY_BATCH, 1024 * 1024, (p, b) -> replayed.add(p + ":" + string(b)))) {
            assertThat(replayed).containsExactly("0:one", "11:two", "22:three");
            long next = log.appendDurably(text("four"));
            assertThat(next).isEqualTo(35);
        }
    }

    @Test
    void aPositionAtOrPastTheEndIsRefusedRatherThanReadForever() {
        long[] positions = new long[2];
        try (SegmentLog log = SegmentLog.open(dir, FsyncPolicy.EVERY_BATCH, 1024 * 1024, (p, b) -> { })) {
            long end = log.append(List.of(text("one"), text("two")), positions);
            log.awaitDurable(end);
            assertThatThrownBy(() -> log.read(end)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> log.read(end + 5)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> log.read(new long[] {positions[1], end}, 0, 2, (p, b) -> { }))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThat(string(log.read(positions[1]))).isEqualTo("two");
        }
    }

    @Test
    void aTornTailIsCutAtTheLastGoodEntry() throws IOException {
        try (SegmentLog log = SegmentLog.open(dir, FsyncPolicy.OS, 1024 * 1024, (p, b) -> { })) {
            log.appendDurably(text("kept"));
            log.appendDurably(text("torn"));
        }
        Path segment = onlySegment();
        try (RandomAccessFile file = new RandomAccessFile(segment.toFile(), "rw")) {
            file.setLength(file.length() - 2); // a crash in the middle of the second write
        }
        List<String> replayed = new ArrayList<>();
        try (SegmentLog log = SegmentLog.open(dir, FsyncPolicy.OS, 1024 * 1024, (p, b) -> replayed.add(string(b)))) {
            assertThat(replayed).containsExactly("kept");
            assertThat(log.recoveredCutBytes()).isEqualTo(10);
            assertThat(log.endPosition()).isEqualTo(12);
            log.appendDurably(text("after"));
        }
        replayed.clear();
        SegmentLog.open(dir, FsyncPolicy.OS, 1024 * 1024, (p, b) -> replayed.add(string(b))).close();
        assertThat(replayed).containsExactly("kept", "after");
    }

    @Test
    void aCorruptEntryIsNeverReadBackAsData() throws IOException {
        try (SegmentLog log = SegmentLog.open(dir, FsyncPolicy.OS, 1024 * 1024, (p, b) -> { })) {
            log.appendDurably(text("good"));
            log.appendDurably(text("flipped"));
            log.appendDurably(text("behind"));
        }
        try (RandomAccessFile file = new RandomAccessFile(onlySegment().toFile(), "rw")) {
            file.seek(12 + 8 + 2);
            file.write('X');
        }
        List<String> replayed = new ArrayList<>();
        SegmentLog.open(dir, FsyncPolicy.OS, 1024 * 1024, (p, b) -> replayed.add(string(b))).close();
        assertThat(replayed).containsExactly("good");
    }

    @Test
    void batchedReadsReturnEntriesOfEverySizeFromTheLastOneToTheWholeLog() {
        // The read buffer starts at the size the first entries need and grows: small tails, big
        // entries and long runs must all come back whole.
        java.util.Random random = new java.util.Random(7);
        List<String> written = new ArrayList<>();
        long[] positions = new long[400];
        try (SegmentLog log = SegmentLog.open(dir, FsyncPolicy.OS, 64L * 1024 * 1024, (p, b) -> { })) {
            for (int i = 0; i < positions.length; i++) {
                int size = i % 50 == 7 ? 300_000 : random.nextInt(6_000);
                String value = i + ":" + "x".repeat(size);
                written.add(value);
                positions[i] = log.appendDurably(text(value));
            }
            for (int from : new int[] {positions.length - 1, 0, 7, 123}) {
                for (int to : new int[] {from + 1, Math.min(positions.length, from + 3), positions.length}) {
                    if (to <= from) {
                        continue;
                    }
                    List<String> read = new ArrayList<>();
                    log.read(positions, from, to, (p, b) -> read.add(string(b)));
                    assertThat(read).containsExactlyElementsOf(written.subList(from, to));
                }
            }
        }
    }

    @Test
    void rollsSegmentsAndDeletesOldOnes() {
        try (SegmentLog log = SegmentLog.open(dir, FsyncPolicy.OS, 100, (p, b) -> { })) {
            List<Long> positions = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                positions.add(log.appendDurably(text("entry-" + i + "-padding")));
            }
            assertThat(segmentCount()).isGreaterThan(3);
            long[] all = positions.stream().mapToLong(Long::longValue).toArray();
            List<String> read = new ArrayList<>();
            log.read(all, 0, all.length, (p, b) -> read.add(string(b)));
            assertThat(read).hasSize(20).first().isEqualTo("entry-0-padding");
            assertThat(read).last().isEqualTo("entry-19-padding");

            int deleted = log.deleteSegmentsBefore(positions.get(10));
            assertThat(deleted).isPositive();
            assertThat(log.startPosition()).isLessThanOrEqualTo(positions.get(10));
            assertThat(string(log.read(positions.get(19)))).isEqualTo("entry-19-padding");
        }
    }

    @Test
    void concurrentBatchesShareSyncsAndAllBecomeDurable() throws Exception {
        try (SegmentLog log = SegmentLog.open(dir, FsyncPolicy.EVERY_BATCH, 1 << 20, (p, b) -> { })) {
            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                int thread = t;
                Thread worker = new Thread(() -> {
                    for (int i = 0; i < 50; i++) {
                        long[] out = new long[2];
                        long end = log.append(List.of(text(thread + "a" + i), text(thread + "b" + i)), out);
                        log.awaitDurable(end);
                        assertThat(log.durablePosition()).isGreaterThanOrEqualTo(end);
                        assertThat(out[1]).isGreaterThan(out[0]);
                    }
                });
                worker.start();
                threads.add(worker);
            }
            for (Thread thread : threads) {
                thread.join();
            }
        }
        int[] count = {0};
        SegmentLog.open(dir, FsyncPolicy.EVERY_BATCH, 1 << 20, (p, b) -> count[0]++).close();
        assertThat(count[0]).isEqualTo(800);
    }

    private Path onlySegment() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.toString().endsWith(".log")).findFirst().orElseThrow();
        }
    }

    private long segmentCount() {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.toString().endsWith(".log")).count();
        } catch (IOException e) {
            throw new RuntimeException(e);
        }
    }

    private static ByteBuffer text(String value) {
        return ByteBuffer.wrap(value.getBytes(StandardCharsets.UTF_8));
    }

    private static String string(ByteBuffer buffer) {
        byte[] bytes = new byte[buffer.remaining()];
        buffer.duplicate().get(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
