package memberstream.forwarding;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Consumer;

/**
 * One daemon thread that takes what has queued, up to {@code maxBatch} items at a time, and hands each
 * batch to its writer, in the order the items were added. {@link #add} from any thread; the writer
 * runs on this thread alone and must not throw (what it cannot write is its own business).
 * {@link #close} writes what is queued, then stops. An idle writer blocks on its queue: it never polls
 * (close wakes it with a marker put behind the last item).
 */
final class BatchingWriter<T> implements AutoCloseable {

    /** Put on the queue by {@link #close}: everything before it is written, then the thread ends. */
    private static final Object STOP = new Object();

    private final LinkedBlockingQueue<Object> queue = new LinkedBlockingQueue<>();
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

    @SuppressWarnings("unchecked")
    private void run() {
        List<Object> taken = new ArrayList<>();
        boolean stopping = false;
        while (true) {
            try {
                // After the marker, only what raced close() (add saw running before it turned false) is left.
                Object first = stopping ? queue.poll() : queue.take();
                if (first == null) {
                    return;
                }
                taken.add(first);
                queue.drainTo(taken, maxBatch - 1);
            } catch (InterruptedException stop) {
                Thread.currentThread().interrupt();
                return;
            }
            List<T> batch = new ArrayList<>(taken.size());
            for (Object item : taken) {
                if (item == STOP) {
                    stopping = true;
                } else {
                    batch.add((T) item);
                }
            }
            taken.clear();
            if (!batch.isEmpty()) {
                writer.accept(batch);
            }
        }
    }

    @Override
    public void close() {
        if (!running) {
            return;
        }
        running = false;
        queue.add(STOP);
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
