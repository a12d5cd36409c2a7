package memberstream.engine.kinesis;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ShardIndexTest {

    /** The obvious implementation: two lists and linear scans. */
    private static final class Reference {
        final List<long[]> entries = new ArrayList<>();

        void add(long position, long arrival) {
            entries.add(new long[] {position, arrival});
        }

        long trim(long cutoff) {
            entries.removeIf(entry -> entry[1] < cutoff);
            return entries.isEmpty() ? -1 : entries.get(0)[0];
        }

        long firstArrived(long millis) {
            return entries.stream().filter(entry -> entry[1] >= millis).mapToLong(entry -> entry[0]).findFirst().orElse(-1);
        }

        ShardIndex.Slice slice(long position, long notBefore, long visibleEnd, int limit) {
            List<long[]> picked = new ArrayList<>();
            long[] next = null;
            for (long[] entry : entries) {
                if (entry[0] < position || entry[1] < notBefore) {
                    continue;
                }
                if (entry[0] >= visibleEnd) {
                    break;
                }
                if (picked.size() == limit) {
                    next = entry;
                    break;
                }
                picked.add(entry);
            }
            return new ShardIndex.Slice(picked.stream().mapToLong(e -> e[0]).toArray(),
                    picked.stream().mapToLong(e -> e[1]).toArray(), next != null, next != null ? next[1] : -1);
        }
    }

    @Test
    void answersAsTheObviousImplementationAcrossChunksGapsAndTrims() {
        Random random = new Random(13);
        ShardIndex index = new ShardIndex();
        Reference reference = new Reference();
        long position = 1_000;
        long arrival = 1_700_000_000_000L;
        for (int step = 0; step < 60_000; step++) {
            int choice = random.nextInt(1000);
            if (choice < 2) {
                position += 3L * Integer.MAX_VALUE; // another stream wrote a lot: the offset no longer fits
            } else if (choice < 4) {
                arrival += 40L * 24 * 3_600_000; // weeks later
            } else if (choice == 5 && !reference.entries.isEmpty()) {
                long cutoff = reference.entries.get(random.nextInt(reference.entries.size()))[1] + random.nextInt(3) - 1;
                assertThat(index.trimArrivedBefore(cutoff)).isEqualTo(reference.trim(cutoff));
                assertThat(index.count()).isEqualTo(reference.entries.size());
            }
            position += 20 + random.nextInt(2_000);
            arrival += random.nextInt(3);
            index.add(position, arrival);
            reference.add(position, arrival);
            if (step % 97 == 0) {
                long from = reference.entries.get(random.nextInt(reference.entries.size()))[0] + random.nextInt(3) - 1;
                long notBefore = reference.entries.get(random.nextInt(reference.entries.size()))[1];
                long visibleEnd = random.nextBoolean() ? Long.MAX_VALUE : position - random.nextInt(50_000);
                int limit = 1 + random.nextInt(20_000);
                assertSameSlice(index.slice(from, notBefore, visibleEnd, limit), reference.slice(from, notBefore, visibleEnd, limit));
                assertSameSlice(index.slice(0, Long.MIN_VALUE, Long.MAX_VALUE, 100),
                        reference.slice(0, Long.MIN_VALUE, Long.MAX_VALUE, 100));
                long millis = reference.entries.get(random.nextInt(reference.entries.size()))[1] + random.nextInt(5) - 2;
                assertThat(index.firstArrivedAtOrAfter(millis)).isEqualTo(reference.firstArrived(millis));
            }
        }
        assertThat(index.count()).isEqualTo(reference.entries.size());
        assertThat(index.lastArrival()).isEqualTo(arrival);
        assertThat(index.firstArrivedAtOrAfter(arrival + 1)).isEqualTo(-1);
    }

    @Test
    void trimmingEverythingLeavesAnEmptyIndexThatGrowsAgain() {
        ShardIndex index = new ShardIndex();
        for (int i = 0; i < 3 * ShardIndex.CHUNK; i++) {
            index.add(10L * i, 1_000 + i);
        }
        assertThat(index.trimArrivedBefore(Long.MAX_VALUE)).isEqualTo(-1);
        assertThat(index.count()).isZero();
        assertThat(index.lastArrival()).isEqualTo(Long.MIN_VALUE);
        assertThat(index.slice(0, 0, Long.MAX_VALUE, 10).positions()).isEmpty();
        index.add(1_000_000, 5_000);
        assertThat(index.slice(0, 0, Long.MAX_VALUE, 10).positions()).containsExactly(1_000_000L);
        assertThat(index.firstArrivedAtOrAfter(0)).isEqualTo(1_000_000L);
    }

    @Test
    void tenMillionRecordsTakeAboutEightBytesEach() {
        Runtime runtime = Runtime.getRuntime();
        System.gc();
        long before = runtime.totalMemory() - runtime.freeMemory();
        ShardIndex index = new ShardIndex();
        for (long i = 0; i < 10_000_000L; i++) {
            index.add(100 * i, 1_700_000_000_000L + i / 1000);
        }
        System.gc();
        long used = runtime.totalMemory() - runtime.freeMemory() - before;
        assertThat(index.count()).isEqualTo(10_000_000L);
        assertThat(used).isLessThan(10_000_000L * 10);
        assertThat(index.slice(500_000_000L, 0, Long.MAX_VALUE, 3).positions())
                .containsExactly(500_000_000L, 500_000_100L, 500_000_200L);
    }

    private static void assertSameSlice(ShardIndex.Slice actual, ShardIndex.Slice expected) {
        assertThat(actual.positions()).containsExactly(expected.positions());
        assertThat(actual.arrivals()).containsExactly(expected.arrivals());
        assertThat(actual.more()).isEqualTo(expected.more());
        assertThat(actual.nextArrival()).isEqualTo(expected.nextArrival());
    }
}
