package memberstream.forwarding;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class BatchingWriterTest {

    @Test
    void writesEverythingInOrderInBatchesNoLargerThanTheMaximum() throws Exception {
        List<List<Integer>> batches = new CopyOnWriteArrayList<>();
        CountDownLatch firstWriteStarted = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        BatchingWriter<Integer> writer = new BatchingWriter<>("test-writer", 3, batch -> {
            batches.add(List.copyOf(batch));
            firstWriteStarted.countDown();
            await(release);
        });
        writer.add(0);
        assertThat(firstWriteStarted.await(5, TimeUnit.SECONDS)).isTrue();
        for (int i = 1; i <= 7; i++) {
            writer.add(i); // queue up behind the write in progress
        }
        release.countDown();
        writer.close();

        assertThat(batches).allSatisfy(batch -> assertThat(batch).hasSizeLessThanOrEqualTo(3));
        assertThat(batches.stream().flatMap(List::stream).toList()).containsExactly(0, 1, 2, 3, 4, 5, 6, 7);
        assertThat(batches).hasSizeGreaterThanOrEqualTo(4); // 1 + 3 + 3 + 1
    }

    @Test
    void anIdleWriterSleepsUntilAnItemOrCloseComes() throws Exception {
        List<Integer> written = new CopyOnWriteArrayList<>();
        BatchingWriter<Integer> writer = new BatchingWriter<>("idle-writer", 10, written::addAll);
        Thread thread = writerThread("idle-writer");
        assertThat(waitForState(thread, Thread.State.WAITING)).as("blocked, not polling with a timeout").isTrue();
        writer.add(42);
        writer.close();
        assertThat(written).containsExactly(42);
        thread.join(5_000);
        assertThat(thread.isAlive()).isFalse();
        assertThat(writer.add(43)).as("closed").isFalse();
        writer.close(); // twice is harmless
    }

    private static Thread writerThread(String name) {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().equals(name)).findFirst()
                .orElseThrow();
    }

    private static boolean waitForState(Thread thread, Thread.State state) throws InterruptedException {
        for (int i = 0; i < 500; i++) {
            if (thread.getState() == state) {
                return true;
            }
            Thread.sleep(10);
        }
        return false;
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
