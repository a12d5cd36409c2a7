package memberstream.engine.firehose;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.GZIPInputStream;
import memberstream.engine.EngineServer;
import memberstream.engine.TestEngine;
import memberstream.engine.s3.S3ObjectStore;
import memberstream.engine.s3.S3Route;
import memberstream.engine.storage.FsyncPolicy;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.firehose.FirehoseClient;
import software.amazon.awssdk.services.firehose.model.CompressionFormat;
import software.amazon.awssdk.services.firehose.model.PutRecordBatchResponse;
import software.amazon.awssdk.services.firehose.model.Record;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The Firehose benchmark: PutRecordBatch of 500 x 1 KiB JSON records, through the AWS SDK v2
 * {@code FirehoseClient} over HTTP, into a GZIP delivery stream of the engine (in this JVM, real clock,
 * its delivery thread, fsync before every acknowledgement, default buffering of 5 MiB / 300 s). Prints
 * MB/s accepted (records acknowledged), MB/s delivered end to end (records in gzip objects in S3, from the
 * first put to the last object written), and the engine's CPU time per MB (threads {@code engine-*} and
 * {@code firehose-delivery}; the SDK client threads and the garbage collector are not counted). At the end
 * every object is read back through the S3 API, decompressed and its records counted.
 * <p>
 * Run: {@code ./mvnw -q test-compile exec:java -Dexec.mainClass=memberstream.engine.firehose.FirehoseBenchmark
 * -Dexec.classpathScope=test} (optional arguments: {@code batches=300 writers=4 fsync=EVERY_BATCH|OS}).
 */
public final class FirehoseBenchmark {

    private static final int BATCH = 500;
    private static final int RECORD_BYTES = 1024;
    private static final double MB = 1024.0 * 1024.0;

    public static void main(String[] args) throws Exception {
        Map<String, String> options = new HashMap<>();
        for (String arg : args) {
            String[] pair = arg.split("=", 2);
            options.put(pair[0], pair.length > 1 ? pair[1] : "true");
        }
        int batches = Integer.parseInt(options.getOrDefault("batches", "300"));
        int writers = Integer.parseInt(options.getOrDefault("writers", "4"));
        FsyncPolicy fsync = FsyncPolicy.valueOf(options.getOrDefault("fsync", "EVERY_BATCH"));

        Path directory = Path.of("target/bench/firehose").toAbsolutePath();
        TestEngine.deleteRecursively(directory);
        Clock clock = Clock.systemUTC();
        S3ObjectStore store = new S3ObjectStore(directory.resolve("s3"), clock);
        FirehoseService firehose = new FirehoseService(directory.resolve("firehose"), store, clock, fsync,
                Duration.ofSeconds(10), null).start(Duration.ofMillis(200));
        EngineServer server = new EngineServer(List.of(new FirehoseRoute(firehose), new S3Route(store)), "127.0.0.1", 0)
                .start();
        URI endpoint = URI.create("http://127.0.0.1:" + server.port());
        var credentials = StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test"));
        FirehoseClient client = FirehoseClient.builder().endpointOverride(endpoint).region(Region.US_EAST_1)
                .credentialsProvider(credentials).httpClient(ApacheHttpClient.builder().maxConnections(writers * 2).build())
                .build();
        S3Client s3 = S3Client.builder().endpointOverride(endpoint).forcePathStyle(true).region(Region.US_EAST_1)
                .credentialsProvider(credentials).build();
        try {
            s3.createBucket(b -> b.bucket("bench"));
            client.createDeliveryStream(b -> b.deliveryStreamName("bench").extendedS3DestinationConfiguration(d -> d
                    .roleARN("arn:aws:iam::000000000000:role/bench").bucketARN("arn:aws:s3:::bench")
                    .compressionFormat(CompressionFormat.GZIP)));
            List<List<Record>> payloads = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                payloads.add(batch());
            }
            // Warm-up: JIT and connections, then start from an empty bucket and counters.
            for (int i = 0; i < 20; i++) {
                client.putRecordBatch(b -> b.deliveryStreamName("bench").records(payloads.get(0)));
            }
            firehose.flushAll();
            long warmObjects = firehose.objectsWritten();
            long warmBytes = firehose.bytesDelivered();

            ThreadMXBean threads = ManagementFactory.getThreadMXBean();
            Map<Long, Long> cpuBefore = engineCpu(threads);
            long processCpuBefore = processCpu();
            AtomicInteger next = new AtomicInteger();
            ExecutorService pool = Executors.newFixedThreadPool(writers);
            long start = System.nanoTime();
            List<Future<Integer>> results = new ArrayList<>();
            for (int w = 0; w < writers; w++) {
                results.add(pool.submit(() -> {
                    int failed = 0;
                    int n;
                    while ((n = next.getAndIncrement()) < batches) {
                        List<Record> records = payloads.get(n % payloads.size());
                        PutRecordBatchResponse answer = client.putRecordBatch(b -> b.deliveryStreamName("bench").records(records));
                        failed += answer.failedPutCount();
                    }
                    return failed;
                }));
            }
            int failed = 0;
            for (Future<Integer> result : results) {
                failed += result.get();
            }
            long accepted = System.nanoTime();
            long total = (long) batches * BATCH * RECORD_BYTES;
            // Objects fill at 5 MiB on their own; the last partial buffer would wait 300 s, so it is drained.
            while (firehose.bytesDelivered() - warmBytes < total - 5L * 1024 * 1024) {
                Thread.sleep(5);
            }
            firehose.flushAll();
            long delivered = System.nanoTime();
            Map<Long, Long> cpuAfter = engineCpu(threads);
            long processCpuNanos = processCpu() - processCpuBefore;
            pool.shutdown();

            long cpuNanos = 0;
            for (Map.Entry<Long, Long> entry : cpuAfter.entrySet()) {
                cpuNanos += entry.getValue() - cpuBefore.getOrDefault(entry.getKey(), 0L);
            }
            double totalMb = total / MB;
            double acceptSeconds = (accepted - start) / 1e9;
            double deliverSeconds = (delivered - start) / 1e9;
            long objects = firehose.objectsWritten() - warmObjects;

            long verifiedRecords = 0;
            long compressedBytes = 0;
            for (S3Object object : s3.listObjectsV2Paginator(b -> b.bucket("bench")).contents()) {
                byte[] gz = s3.getObjectAsBytes(b -> b.bucket("bench").key(object.key())).asByteArray();
                compressedBytes += gz.length;
                verifiedRecords += countRecords(gz);
            }
            long expectedRecords = (long) (batches + 20) * BATCH;

            System.out.printf("Firehose benchmark: PutRecordBatch %d x %d B JSON records, %d batches, %d writers, GZIP, fsync %s%n",
                    BATCH, RECORD_BYTES, batches, writers, fsync);
            System.out.printf("  accepted            %8.1f MB/s  (%.1f MB in %.2f s, %d failed records)%n",
                    totalMb / acceptSeconds, totalMb, acceptSeconds, failed);
            System.out.printf("  delivered to S3     %8.1f MB/s  end to end (%d gzip objects, %.1f MB compressed, %.2f s)%n",
                    totalMb / deliverSeconds, objects, compressedBytes / MB, deliverSeconds);
            System.out.printf("  engine CPU          %8.1f ms per MB  (%.2f s CPU; whole JVM with the SDK clients and GC: %.2f s on %d cores)%n",
                    cpuNanos / 1e6 / totalMb, cpuNanos / 1e9, processCpuNanos / 1e9, Runtime.getRuntime().availableProcessors());
            System.out.printf("  load average        %8.2f  (other processes share these cores: MB/s drop, CPU per MB does not)%n",
                    ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
            System.out.printf("  verified            %8d records read back from S3 and decompressed (expected %d)%n",
                    verifiedRecords, expectedRecords);
            if (verifiedRecords != expectedRecords || failed != 0) {
                System.out.println("  MISMATCH: records were lost or failed");
                System.exit(1);
            }
        } finally {
            client.close();
            s3.close();
            server.close();
            firehose.close();
        }
    }

    private static long processCpu() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    /** CPU time of the engine's threads by thread id. */
    private static Map<Long, Long> engineCpu(ThreadMXBean threads) {
        Map<Long, Long> cpu = new HashMap<>();
        for (var info : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (info != null && (info.getThreadName().startsWith("engine-") || info.getThreadName().equals("firehose-delivery"))) {
                cpu.put(info.getThreadId(), threads.getThreadCpuTime(info.getThreadId()));
            }
        }
        return cpu;
    }

    /** 500 member-event-like JSON records of exactly 1 KiB, varied enough that gzip has work to do. */
    private static List<Record> batch() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        String[] words = {"member", "created", "updated", "deleted", "email", "name", "team", "berlin", "lisbon", "oslo",
            "engineering", "sales", "support", "active", "pending", "admin", "viewer", "2026", "phone", "address"};
        List<Record> records = new ArrayList<>(BATCH);
        for (int i = 0; i < BATCH; i++) {
            StringBuilder json = new StringBuilder(RECORD_BYTES);
            json.append("{\"eventId\":\"").append(UUID.randomUUID()).append("\",\"type\":\"")
                    .append(words[random.nextInt(3) + 1]).append("\",\"memberId\":").append(random.nextInt(1_000_000))
                    .append(",\"at\":").append(1_780_000_000_000L + random.nextInt(1_000_000_000)).append(",\"note\":\"");
            while (json.length() < RECORD_BYTES - 3) {
                json.append(words[random.nextInt(words.length)]).append(' ');
            }
            json.setLength(RECORD_BYTES - 3);
            json.append("\"}\n");
            records.add(Record.builder().data(SdkBytes.fromString(json.toString(), StandardCharsets.UTF_8)).build());
        }
        return records;
    }

    private static long countRecords(byte[] gz) throws IOException {
        long count = 0;
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(gz), 64 * 1024)) {
            byte[] buffer = new byte[64 * 1024];
            int read;
            while ((read = in.read(buffer)) > 0) {
                for (int i = 0; i < read; i++) {
                    if (buffer[i] == '\n') {
                        count++;
                    }
                }
            }
        }
        return count;
    }
}
