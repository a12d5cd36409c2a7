package memberstream.live.tail;

import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Runs the {@link LiveConsumer} on its own daemon thread: poll, wait what it asked (or until a fan-out
 * delivery arrives), repeat; but only while someone watches the feed ({@link LiveFeed#subscribe},
 * {@link LiveFeed#watch}). When nobody has watched for {@code idleAfter}, the consumer is paused (its
 * subscriptions end, its checkpoints are written) and the thread blocks until a watcher comes: an idle
 * console makes no calls for the live tail and spends no CPU on it. It starts idle. Starts
 * after everything else (the engine and the SDK clients are up) and stops first, writing the last
 * checkpoints on the way out. An unexpected error is logged once per kind and the loop goes on.
 *
 * <p>Thread-safety: {@link #start()} and {@link #stop()} come from the Spring context's thread; everything
 * else happens on the runner's thread, which alone touches the consumer until {@link #stop()} has joined it.
 */
class LiveConsumerRunner implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(LiveConsumerRunner.class);

    private final LiveConsumer consumer;
    private final Watchers watchers;
    private final Duration idleAfter;
    private final boolean enabled;
    private volatile Thread thread;
    private volatile boolean running;

    /**
     * @param feed      whose watchers decide when to read (the consumer's feed)
     * @param idleAfter how long to go on reading after the last watcher left
     */
    LiveConsumerRunner(LiveConsumer consumer, LiveFeed feed, Duration idleAfter, boolean enabled) {
        this.consumer = consumer;
        this.watchers = feed.watching();
        this.idleAfter = idleAfter;
        this.enabled = enabled;
    }

    @Override
    public void start() {
        if (!enabled || running) {
            return;
        }
        running = true;
        thread = new Thread(this::loop, "live-consumer");
        thread.setDaemon(true);
        thread.start();
    }

    private void loop() {
        String lastFailure = null;
        boolean reading = true; // so that a console nobody watches says it is idle at once
        while (running) {
            Duration wait;
            try {
                if (watchers.idle(idleAfter)) {
                    if (reading) {
                        consumer.pause();
                        reading = false;
                    }
                    watchers.awaitWatcher();
                    continue;
                }
                if (!reading) {
                    consumer.resume();
                    reading = true;
                }
                wait = consumer.pollOnce();
                lastFailure = null;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            } catch (RuntimeException e) {
                String failure = e.getClass().getName() + ": " + e.getMessage();
                if (!failure.equals(lastFailure)) {
                    log.warn("The live consumer failed and will go on in a second", e);
                }
                lastFailure = failure;
                wait = Duration.ofSeconds(1);
            }
            try {
                consumer.awaitWork(Duration.ofMillis(Math.max(10, wait.toMillis())));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
    }

    @Override
    public void stop() {
        Thread running = this.thread;
        this.running = false;
        if (running != null) {
            running.interrupt();
            try {
                running.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            this.thread = null;
        }
        try {
            consumer.close();
        } catch (RuntimeException e) {
            log.warn("Could not write the live consumer's last checkpoints: {}", e.toString());
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** Last to start, first to stop: the consumer needs the engine, the database and the clients. */
    @Override
    public int getPhase() {
        return Integer.MAX_VALUE - 1;
    }
}
