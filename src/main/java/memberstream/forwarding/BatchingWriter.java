package memberstream.forwarding;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * One daemon thread that takes what has queued, up to {@code maxBatch} items at a time, and hands each
 * batch to its writer, in the order the items were added. {@link #add} from any thread; the writer
 * runs on this thread alone and must not throw (what it cannot write is its own business).
 * {@link #close} writes what is queued, then stops.
 */
final class BatchingWriter<T> implements AutoCloseable {

    private final LinkedBlockingQueue<T> queue = new LinkedBlockingQueue<>();
    private final Consumer<List<T>> writer;
    private final int maxBatch;
    private final Thread thread;
    private volatile boolean running = true;

    BatchingWriter(String threadName, int maxBatch, Consumer<List<T>> writer) {
        this.writer = writer;
        this.maxBatch = maxBatch;
        this.thread = new Thread(this::run, threadName);
        this.thread.setDaemon(true);
        this.thread.start();
    }

    /** Queues an item; false once closed (nothing was queued). */
    boolean add(T item) {
        if (!running) {
            return false;
        }
        queue.add(item);
        return true;
    }

    private void run() {
        while (running || !queue.isEmpty()) {
            try {
                T first = queue.poll(200, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                List<T> batch = new ArrayList<>();
                batch.add(first);
                queue.drainTo(batch, maxBatch - 1);
                writer.accept(batch);
            } catch (InterruptedException stop) {
                Thread.currentThread().interrupt();
                break;
            }
        }
    }

    @Override
    public void close() {
        running = false;
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
