package memberstream.engine.kinesis;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import memberstream.engine.EngineProperties;
import memberstream.engine.storage.FsyncPolicy;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.http.Protocol;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;
import software.amazon.awssdk.services.kinesis.model.StartingPosition;
import software.amazon.awssdk.services.kinesis.model.SubscribeToShardEvent;
import software.amazon.awssdk.services.kinesis.model.SubscribeToShardResponseHandler;

/**
 * The enhanced fan-out benchmark, against the engine in this JVM (default fsync policy, throughput
 * limits off), through the AWS SDK's clients over HTTP:
 * <ol>
 * <li>put → delivered latency, p50/p99/p99.9/max, to a SubscribeToShard subscriber and to a GetRecords
 *     poller polling every 200 ms (KCL's polling default), same stream, same records, same run, and the
 *     PutRecord's own answer time split into the SDK's part and the HTTP round trip; once cold (right
 *     after start) and once warm (after {@code -Dbench.warmup-puts=5000} unpaced puts);</li>
 * <li>records/s delivered to 1 and to 5 fan-out consumers at once, and the engine's CPU per record
 *     delivered (CPU time of its {@code engine-*} threads, the fan-out threads included); the 5 consumers
 *     once with batches shared between their subscriptions (the engine's way) and once without, to
 *     compare within one run.</li>
 * </ol>
 * Run: {@code ./mvnw -q test-compile exec:java -Dexec.classpathScope=test
 * -Dexec.mainClass=memberstream.engine.kinesis.FanOutBenchmark} (options: {@code -Dbench.seconds=20}
 * latency phase length, {@code -Dbench.rate=50} puts a second in it, {@code -Dbench.records=50000}
 * records in each throughput run, {@code -Dbench.http=2|1.1} the async client's protocol, HTTP/2 by default as the SDK's).
 */
public final class FanOutBenchmark {

    private static final int SECONDS = Integer.getInteger("bench.seconds", 20);
    private static final int RATE = Integer.getInteger("bench.rate", 50);
    private static final int RECORDS = Integer.getInteger("bench.records", 50_000);
    /** Unpaced puts between the cold and the warm latency pass. */
    private static final int WARMUP = Integer.getInteger("bench.warmup-puts", 5_000);
    /** {@code -Dbench.fsync=os} leaves flushing to the OS, to see what the per-batch fsync adds. */
    private static final FsyncPolicy FSYNC = "os".equals(System.getProperty("bench.fsync")) ? FsyncPolicy.OS
            : FsyncPolicy.EVERY_BATCH;
    private static final Protocol PROTOCOL = "1.1".equals(System.getProperty("bench.http", "2")) ? Protocol.HTTP1_1 : Protocol.HTTP2;

    public static void main(String[] args) throws Exception {
        Path data = Files.createTempDirectory("fanout-bench");
        EngineProperties properties = EngineProperties.defaults().withPort(0).withStatusDelay(Duration.ZERO)
                .withThroughputLimits(false)
                .withFsync(FSYNC);
        try (LocalKinesis engine = new LocalKinesis(data, properties, Clock.systemUTC())) {
            KinesisClient kinesis = engine.client(false);
            PutPhases phases = new PutPhases();
            KinesisClient putter = engine.client(false, phases);
            try (KinesisAsyncClient async = KinesisAsyncClient.builder()
                    .endpointOverride(URI.create("http://127.0.0.1:" + engine.server.port()))
                    .region(Region.US_EAST_1)
                    .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                    .httpClient(NettyNioAsyncHttpClient.builder().protocol(PROTOCOL).maxConcurrency(64).build())
                    .build()) {
                latency(kinesis, putter, phases, async);
                throughput(kinesis, async, engine);
            }
        } finally {
            org.springframework.util.FileSystemUtils.deleteRecursively(data);
        }
        System.exit(0);
    }

    private static String stream(KinesisClient kinesis, String name) {
        kinesis.createStream(b -> b.streamName(name).shardCount(1));
        return kinesis.describeStreamSummary(b -> b.streamName(name)).streamDescriptionSummary().streamARN();
    }

    private static String consumer(KinesisClient kinesis, String streamArn, String name) {
        return kinesis.registerStreamConsumer(b -> b.streamARN(streamArn).consumerName(name)).consumer().consumerARN();
    }

    /** Subscribes at LATEST and waits for the first event, so that the position is fixed before any put. */
    private static void subscribe(KinesisAsyncClient async, String consumerArn, java.util.function.Consumer<Record> onRecord)
            throws InterruptedException {
        java.util.concurrent.CountDownLatch started = new java.util.concurrent.CountDownLatch(1);
        SubscribeToShardResponseHandler handler = SubscribeToShardResponseHandler.builder()
                .onError(e -> System.err.println("subscription ended: " + e.getMessage()))
                .subscriber(event -> {
                    if (event instanceof SubscribeToShardEvent shardEvent) {
                        shardEvent.records().forEach(onRecord);
                        started.countDown();
                    }
                })
                .build();
        async.subscribeToShard(b -> b.consumerARN(consumerArn).shardId("shardId-000000000000")
                .startingPosition(StartingPosition.builder().type(ShardIteratorType.LATEST).build()), handler);
        if (!started.await(30, java.util.concurrent.TimeUnit.SECONDS)) {
            throw new IllegalStateException("The subscription of " + consumerArn + " did not start");
        }
    }

    /**
     * Each record's data starts with the nanoTime just before its PutRecord was sent. The same paced phase
     * runs twice on the same stream, subscription and poller: first cold, right after start (what this
     * benchmark used to report), then after {@link #WARMUP} unpaced puts, so that the second pass measures
     * the engine and the clients compiled, not the JIT compiler at work on a 2-core machine.
     */
    private static void latency(KinesisClient kinesis, KinesisClient putter, PutPhases phases, KinesisAsyncClient async)
            throws Exception {
        String streamArn = stream(kinesis, "latency");
        String consumerArn = consumer(kinesis, streamArn, "latency-tail");
        java.util.concurrent.atomic.AtomicReference<List<Long>> fanOut =
                new java.util.concurrent.atomic.AtomicReference<>(Collections.synchronizedList(new ArrayList<>()));
        java.util.concurrent.atomic.AtomicReference<List<Long>> polled =
                new java.util.concurrent.atomic.AtomicReference<>(Collections.synchronizedList(new ArrayList<>()));
        subscribe(async, consumerArn, r -> fanOut.get().add(System.nanoTime() - r.data().asByteBuffer().getLong()));
        String[] iterator = {kinesis.getShardIterator(b -> b.streamName("latency").shardId("shardId-000000000000")
                .shardIteratorType(ShardIteratorType.LATEST)).shardIterator()};
        Thread poller = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                GetRecordsResponse answer;
                try {
                    answer = kinesis.getRecords(b -> b.shardIterator(iterator[0]));
                } catch (software.amazon.awssdk.core.exception.AbortedException stopped) {
                    return;
                }
                long now = System.nanoTime();
                List<Long> into = polled.get();
                answer.records().forEach(r -> into.add(now - r.data().asByteBuffer().getLong()));
                iterator[0] = answer.nextShardIterator();
                try {
                    Thread.sleep(200);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "bench-poller");
        poller.start();
        int total = SECONDS * RATE;
        System.out.printf("put -> delivered, %d records at %d/s over %d s, %s fsync:%n", total, RATE, SECONDS,
                FSYNC == FsyncPolicy.OS ? "os" : "every-batch");
        pacedPuts("cold (the first puts after start)", putter, phases, fanOut, polled, total);
        long warmStart = System.nanoTime();
        fanOut.set(Collections.synchronizedList(new ArrayList<>()));
        polled.set(Collections.synchronizedList(new ArrayList<>()));
        for (int i = 0; i < WARMUP; i++) {
            putter.putRecord(b -> b.streamName("latency").partitionKey("k").data(SdkBytes.fromByteBuffer(stamped())));
        }
        awaitAll(fanOut.get(), polled.get(), WARMUP);
        System.out.printf("  (warm-up: %d unpaced puts, delivered and polled, in %.1f s)%n", WARMUP,
                (System.nanoTime() - warmStart) / 1e9);
        fanOut.set(Collections.synchronizedList(new ArrayList<>()));
        polled.set(Collections.synchronizedList(new ArrayList<>()));
        pacedPuts("warm (after the warm-up)", putter, phases, fanOut, polled, total);
        poller.interrupt();
    }

    /** Puts {@code total} records at {@link #RATE} a second, waits for their delivery and prints the latencies. */
    private static void pacedPuts(String title, KinesisClient putter, PutPhases phases,
                                  java.util.concurrent.atomic.AtomicReference<List<Long>> fanOut,
                                  java.util.concurrent.atomic.AtomicReference<List<Long>> polled, int total) throws Exception {
        List<Long> acknowledged = new ArrayList<>();
        PutPhases.Lists split = phases.start();
        long[] gcBefore = collections();
        long engineBytesBefore = engineAllocatedBytes();
        long intervalNanos = 1_000_000_000L / RATE;
        long start = System.nanoTime();
        for (int i = 0; i < total; i++) {
            long due = start + i * intervalNanos;
            while (System.nanoTime() < due) {
                Thread.sleep(0, 200_000);
            }
            ByteBuffer payload = stamped();
            long sent = payload.getLong(0);
            putter.putRecord(b -> b.streamName("latency").partitionKey("k").data(SdkBytes.fromByteBuffer(payload)));
            long answered = System.nanoTime();
            acknowledged.add(answered - sent);
            split.add(sent, answered);
        }
        awaitAll(fanOut.get(), polled.get(), total);
        long[] gcAfter = collections();
        long engineBytes = engineAllocatedBytes() - engineBytesBefore;
        System.out.printf("  %s:%n", title);
        System.out.printf("    SubscribeToShard (%s): %s%n", PROTOCOL, percentiles(fanOut.get(), total));
        System.out.printf("    GetRecords every 200 ms:  %s%n", percentiles(polled.get(), total));
        // A record is pushed once durable, so no subscriber can have it before its PutRecord is answered.
        System.out.printf("    PutRecord answered:       %s%n", percentiles(acknowledged, total));
        System.out.printf("      of which SDK before sending (marshal, sign): %s%n", percentiles(split.before(), total));
        System.out.printf("      HTTP round trip (wire and engine):          %s%n", percentiles(split.wire(), total));
        System.out.printf("      SDK after the answer (unmarshal):           %s%n", percentiles(split.after(), total));
        // Collections pause every thread: each one lands in some put's or delivery's latency.
        System.out.printf("    garbage collections meanwhile: %d, %d ms in all; the engine's threads allocated %.1f KB a record%n",
                gcAfter[0] - gcBefore[0], gcAfter[1] - gcBefore[1], engineBytes / 1024.0 / total);
    }

    /** 100 bytes, the first 8 the nanoTime now. */
    private static ByteBuffer stamped() {
        ByteBuffer payload = ByteBuffer.allocate(100);
        payload.putLong(System.nanoTime()).rewind();
        return payload;
    }

    private static void awaitAll(List<Long> fanOut, List<Long> polled, int total) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while ((fanOut.size() < total || polled.size() < total) && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
    }

    /**
     * Splits each PutRecord of the put client into the SDK's work before the request leaves (marshalling,
     * signing), the HTTP round trip (wire, engine) and the SDK's work on the answer. The put client is
     * used by one thread only, so plain fields suffice.
     */
    private static final class PutPhases implements software.amazon.awssdk.core.interceptor.ExecutionInterceptor {

        record Lists(List<Long> before, List<Long> wire, List<Long> after, PutPhases owner) {
            void add(long sent, long answered) {
                before.add(owner.transmitting - sent);
                wire.add(owner.transmitted - owner.transmitting);
                after.add(answered - owner.transmitted);
            }
        }

        private long transmitting;
        private long transmitted;

        Lists start() {
            return new Lists(new ArrayList<>(), new ArrayList<>(), new ArrayList<>(), this);
        }

        @Override
        public void beforeTransmission(software.amazon.awssdk.core.interceptor.Context.BeforeTransmission context,
                                       software.amazon.awssdk.core.interceptor.ExecutionAttributes attributes) {
            transmitting = System.nanoTime();
        }

        @Override
        public void afterTransmission(software.amazon.awssdk.core.interceptor.Context.AfterTransmission context,
                                      software.amazon.awssdk.core.interceptor.ExecutionAttributes attributes) {
            transmitted = System.nanoTime();
        }
    }

    private static String percentiles(List<Long> nanos, int expected) {
        List<Long> sorted;
        synchronized (nanos) {
            sorted = new ArrayList<>(nanos);
        }
        if (sorted.isEmpty()) {
            return "nothing delivered";
        }
        Collections.sort(sorted);
        return String.format("p50 %.1f ms, p99 %.1f ms, p99.9 %.1f ms, max %.1f ms (%d of %d)",
                rank(sorted, 0.50) / 1e6, rank(sorted, 0.99) / 1e6, rank(sorted, 0.999) / 1e6,
                sorted.get(sorted.size() - 1) / 1e6, sorted.size(), expected);
    }

    /** The nearest-rank percentile of sorted values. */
    private static long rank(List<Long> sorted, double fraction) {
        return sorted.get((int) Math.max(0, Math.min(sorted.size() - 1, Math.ceil(sorted.size() * fraction) - 1)));
    }

    private static void throughput(KinesisClient kinesis, KinesisAsyncClient async, LocalKinesis engine) throws Exception {
        String streamArn = stream(kinesis, "throughput");
        List<String> consumers = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            consumers.add(consumer(kinesis, streamArn, "c" + i));
        }
        double oneCpu = run(kinesis, async, consumers.subList(0, 1));
        Thread.sleep(5_100); // the five-second takeover rule for consumer c0
        // The five consumers with batches shared (the engine's way) and not shared (every subscription reading and
        // encoding for itself), in the order shared, not, not, shared, so that JIT warm-up favours neither.
        double[] cpu = new double[2];
        long[] reads = new long[2];
        for (boolean shared : new boolean[] {true, false, false, true}) {
            engine.service.subscriptions().shareBatches(shared);
            long readBefore = engine.service.subscriptions().batchesRead();
            cpu[shared ? 0 : 1] += run(kinesis, async, consumers);
            reads[shared ? 0 : 1] += engine.service.subscriptions().batchesRead() - readBefore;
            Thread.sleep(5_100); // the five-second takeover rule
        }
        engine.service.subscriptions().shareBatches(true);
        System.out.printf("engine CPU for the same records, 5 consumers / 1 consumer: %.2fx with batches shared (goal < 2x), "
                + "%.2fx not shared (each the mean of two runs)%n", cpu[0] / 2 / oneCpu, cpu[1] / 2 / oneCpu);
        System.out.printf("batches read and encoded for 5 consumers, two runs: %d shared, %d not shared%n", reads[0], reads[1]);
    }

    /** Puts RECORDS records and waits until every consumer has them; returns the engine CPU nanos spent. */
    private static double run(KinesisClient kinesis, KinesisAsyncClient async, List<String> consumerArns) throws Exception {
        AtomicLong delivered = new AtomicLong();
        for (String arn : consumerArns) {
            subscribe(async, arn, r -> delivered.incrementAndGet());
        }
        long cpuBefore = engineCpuNanos();
        long start = System.nanoTime();
        List<PutRecordsRequestEntry> batch = new ArrayList<>();
        byte[] data = new byte[100];
        for (int i = 0; i < 500; i++) {
            batch.add(PutRecordsRequestEntry.builder().partitionKey("k" + i).data(SdkBytes.fromByteArray(data)).build());
        }
        for (int put = 0; put < RECORDS; put += 500) {
            kinesis.putRecords(b -> b.streamName("throughput").records(batch));
        }
        long expected = (long) RECORDS * consumerArns.size();
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (delivered.get() < expected && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        long cpu = engineCpuNanos() - cpuBefore;
        System.out.printf("%d consumer(s): %d of %d records delivered in %.2f s, %.0f records/s delivered, "
                        + "engine CPU %.1f us per record delivered (%.0f ms in all, puts included)%n",
                consumerArns.size(), delivered.get(), expected, seconds, delivered.get() / seconds,
                cpu / 1e3 / Math.max(1, delivered.get()), cpu / 1e6);
        return cpu;
    }

    /** Collections so far and their accumulated time in ms, all collectors together. */
    private static long[] collections() {
        long count = 0;
        long millis = 0;
        for (java.lang.management.GarbageCollectorMXBean collector : ManagementFactory.getGarbageCollectorMXBeans()) {
            count += Math.max(0, collector.getCollectionCount());
            millis += Math.max(0, collector.getCollectionTime());
        }
        return new long[] {count, millis};
    }

    /** Bytes allocated so far by the engine's threads (those alive now). */
    private static long engineAllocatedBytes() {
        if (!(ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean threads)) {
            return 0;
        }
        long total = 0;
        for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (info != null && info.getThreadName().startsWith("engine-")) {
                total += Math.max(0, threads.getThreadAllocatedBytes(info.getThreadId()));
            }
        }
        return total;
    }

    private static long engineCpuNanos() {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long total = 0;
        for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (info != null && info.getThreadName().startsWith("engine-")) {
                long cpu = threads.getThreadCpuTime(info.getThreadId());
                if (cpu > 0) {
                    total += cpu;
                }
            }
        }
        return total;
    }
}
