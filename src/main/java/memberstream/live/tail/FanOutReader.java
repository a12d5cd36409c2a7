package memberstream.live.tail;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.ChildShard;
import software.amazon.awssdk.services.kinesis.model.Consumer;
import software.amazon.awssdk.services.kinesis.model.ConsumerStatus;
import software.amazon.awssdk.services.kinesis.model.LimitExceededException;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.ResourceInUseException;
import software.amazon.awssdk.services.kinesis.model.ResourceNotFoundException;
import software.amazon.awssdk.services.kinesis.model.StartingPosition;
import software.amazon.awssdk.services.kinesis.model.SubscribeToShardEvent;
import software.amazon.awssdk.services.kinesis.model.SubscribeToShardEventStream;
import software.amazon.awssdk.services.kinesis.model.SubscribeToShardResponseHandler;

/**
 * The live tail's enhanced fan-out: one registered stream consumer per console (its name carries the
 * console's instance id, so consoles never take over each other's subscriptions) and one
 * SubscribeToShard subscription per shard being read.
 *
 * <p>What subscriptions deliver is queued as {@link Delivery} values for the consumer thread, which
 * takes them with {@link #drain()}; {@link #awaitDelivery} lets that thread sleep until something
 * arrives, so a record reaches the feed as soon as the endpoint pushes it. Backpressure: a subscription
 * asks for its next event only after the consumer thread has handled the previous one
 * ({@link Batch#handled()}), so the queue holds at most one event per shard (and one end per
 * subscription).
 *
 * <p>Thread-safety: {@link #prepare}, {@link #subscribe}, {@link #cancelAll} and {@link #drain} are
 * called by the consumer thread only; the SDK's threads only add to the queue and release the signal.
 */
final class FanOutReader {

    /** Error codes with which an endpoint says it has no enhanced fan-out. */
    private static final Set<String> NOT_SUPPORTED_CODES = Set.of("UnknownOperationException", "UnknownOperation",
            "InvalidAction", "NotImplemented", "UnsupportedOperation", "UnsupportedOperationException");

    private final Supplier<KinesisClient> kinesis;
    private final Supplier<KinesisAsyncClient> kinesisAsync;
    private final String consumerName;
    private final ConcurrentLinkedQueue<Delivery> deliveries = new ConcurrentLinkedQueue<>();
    private final Semaphore signal = new Semaphore(0);
    private final Map<String, Live> live = new HashMap<>();
    private long generations;

    /** Something a subscription delivered, for the consumer thread. */
    sealed interface Delivery {
        String shardId();

        long generation();
    }

    /**
     * One SubscribeToShardEvent.
     *
     * @param continuation null at the end of a closed shard, when {@code children} names its children
     */
    record Batch(String shardId, long generation, List<Record> records, String continuation, Long millisBehindLatest,
                 List<ChildShard> children, Runnable handled) implements Delivery {
    }

    /** The end of a subscription: {@code error} null when it ended normally (its five minutes are up). */
    record Ended(String shardId, long generation, Throwable error) implements Delivery {
    }

    /** Whether the consumer can subscribe now. */
    sealed interface Readiness {
    }

    record Ready(String consumerArn) implements Readiness {
    }

    /** The consumer is being registered (CREATING) or deregistered; ask again shortly. */
    record Pending(String why) implements Readiness {
    }

    /** The endpoint has no fan-out (or no room for another consumer): read by polling. */
    record Unsupported(String why) implements Readiness {
    }

    private record Live(long generation, CompletableFuture<Void> done, Subscriber<SubscribeToShardEventStream> subscriber) {
    }

    FanOutReader(Supplier<KinesisClient> kinesis, Supplier<KinesisAsyncClient> kinesisAsync, String consumerName) {
        this.kinesis = kinesis;
        this.kinesisAsync = kinesisAsync;
        this.consumerName = consumerName;
    }

    String consumerName() {
        return consumerName;
    }

    /**
     * Finds this console's consumer of the stream, registering it when absent. The consumer is kept
     * when the console stops (see the README): registering again costs a wait at every start.
     */
    Readiness prepare(String streamArn) {
        try {
            Consumer consumer;
            try {
                var description = kinesis.get().describeStreamConsumer(r -> r.streamARN(streamArn).consumerName(consumerName))
                        .consumerDescription();
                consumer = Consumer.builder().consumerName(description.consumerName())
                        .consumerARN(description.consumerARN()).consumerStatus(description.consumerStatusAsString()).build();
            } catch (ResourceNotFoundException absent) {
                consumer = kinesis.get().registerStreamConsumer(r -> r.streamARN(streamArn).consumerName(consumerName))
                        .consumer();
            }
            if (consumer == null) {
                return new Pending("Registering stream consumer " + consumerName);
            }
            return consumer.consumerStatus() == ConsumerStatus.ACTIVE ? new Ready(consumer.consumerARN())
                    : new Pending("Stream consumer " + consumerName + " is " + consumer.consumerStatusAsString());
        } catch (LimitExceededException full) {
            return new Unsupported("no room for another stream consumer: " + firstLine(full));
        } catch (ResourceInUseException busy) {
            return new Pending("Stream consumer " + consumerName + " is being registered");
        } catch (AwsServiceException e) {
            if (notSupported(e)) {
                return new Unsupported("the endpoint has no enhanced fan-out (" + e.awsErrorDetails().errorCode() + ")");
            }
            throw e;
        }
    }

    /** Whether an error means the endpoint does not know the fan-out operations. */
    static boolean notSupported(Throwable error) {
        Throwable cause = unwrap(error);
        if (cause instanceof AwsServiceException service) {
            String code = service.awsErrorDetails() == null ? null : service.awsErrorDetails().errorCode();
            return code != null && NOT_SUPPORTED_CODES.contains(code) || service.statusCode() == 501
                    || service.statusCode() == 404 && code == null;
        }
        return false;
    }

    static Throwable unwrap(Throwable error) {
        Throwable cause = error;
        while ((cause instanceof java.util.concurrent.CompletionException
                || cause instanceof java.util.concurrent.ExecutionException) && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }

    /**
     * Subscribes to one shard, replacing this reader's earlier subscription to it. Returns the
     * subscription's generation: deliveries of older generations are to be ignored.
     */
    long subscribe(String consumerArn, String shardId, StartingPosition position) {
        cancel(shardId);
        long generation = ++generations;
        Subscriber<SubscribeToShardEventStream> subscriber = new EventSubscriber(shardId, generation);
        SubscribeToShardResponseHandler handler = SubscribeToShardResponseHandler.builder()
                .onEventStream(publisher -> publisher.subscribe(subscriber))
                .build();
        CompletableFuture<Void> done;
        try {
            done = kinesisAsync.get().subscribeToShard(r -> r.consumerARN(consumerArn).shardId(shardId)
                    .startingPosition(position), handler);
        } catch (RuntimeException refused) {
            done = CompletableFuture.failedFuture(refused);
        }
        done.whenComplete((ignored, error) -> post(new Ended(shardId, generation, error)));
        live.put(shardId, new Live(generation, done, subscriber));
        return generation;
    }

    /** Forgets a subscription that has ended. */
    void ended(String shardId, long generation) {
        Live current = live.get(shardId);
        if (current != null && current.generation() == generation) {
            live.remove(shardId);
        }
    }

    void cancel(String shardId) {
        Live previous = live.remove(shardId);
        if (previous != null) {
            ((EventSubscriber) previous.subscriber()).cancel();
            previous.done().cancel(true);
        }
    }

    void cancelAll() {
        List.copyOf(live.keySet()).forEach(this::cancel);
        deliveries.clear();
    }

    /** What arrived since the last call, oldest first. */
    List<Delivery> drain() {
        signal.drainPermits();
        List<Delivery> drained = new java.util.ArrayList<>();
        Delivery next;
        while ((next = deliveries.poll()) != null) {
            drained.add(next);
        }
        return drained;
    }

    /** Waits up to {@code millis} for a delivery; returns at once if one is waiting. */
    void awaitDelivery(long millis) throws InterruptedException {
        if (signal.tryAcquire(millis, TimeUnit.MILLISECONDS)) {
            signal.release(); // drain() takes the permits
        }
    }

    /** Wakes the consumer thread, e.g. to stop. */
    void wake() {
        signal.release();
    }

    private void post(Delivery delivery) {
        deliveries.add(delivery);
        signal.release();
    }

    /** Takes one event at a time; asks for the next once the consumer thread has handled it. */
    private final class EventSubscriber implements Subscriber<SubscribeToShardEventStream> {
        private final String shardId;
        private final long generation;
        private volatile Subscription subscription;
        private volatile boolean cancelled;

        EventSubscriber(String shardId, long generation) {
            this.shardId = shardId;
            this.generation = generation;
        }

        @Override
        public void onSubscribe(Subscription s) {
            subscription = s;
            if (cancelled) {
                s.cancel();
            } else {
                s.request(1);
            }
        }

        @Override
        public void onNext(SubscribeToShardEventStream event) {
            if (event instanceof SubscribeToShardEvent shardEvent) {
                post(new Batch(shardId, generation, shardEvent.records(), shardEvent.continuationSequenceNumber(),
                        shardEvent.millisBehindLatest(), shardEvent.childShards(), this::requestNext));
            } else {
                requestNext();
            }
        }

        private void requestNext() {
            Subscription s = subscription;
            if (s != null && !cancelled) {
                s.request(1);
            }
        }

        void cancel() {
            cancelled = true;
            Subscription s = subscription;
            if (s != null) {
                s.cancel();
            }
        }

        @Override
        public void onError(Throwable t) {
            // reported once, by the call's future
        }

        @Override
        public void onComplete() {
            // reported once, by the call's future
        }
    }

    static String firstLine(Throwable e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }

    static boolean clientSide(Throwable error) {
        return unwrap(error) instanceof SdkClientException;
    }
}
