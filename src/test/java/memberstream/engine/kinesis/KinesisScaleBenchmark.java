package memberstream.engine.kinesis;

import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import memberstream.engine.EngineProperties;
import memberstream.engine.EngineServer;
import memberstream.engine.storage.FsyncPolicy;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;

/**
 * Does the engine's Kinesis keep its speed and memory with ten million records in a stream? Two
 * one-shard streams in one engine: {@code empty} (no records before the measurement) and {@code big}
 * (seeded with {@code records} records straight into the store, then the engine restarted so that
 * the index is rebuilt from the log as in real life). Measured through the AWS SDK over HTTP (CBOR),
 * alternating between the two streams so that machine load hits both alike: PutRecords of 100
 * records, then GetShardIterator(TRIM_HORIZON) + GetRecords(limit 100). Prints median and p99 per
 * stream and their ratio (goal: at most 1.5), the replay time, and the JVM's heap after GC and
 * resident set size with the records loaded.
 * <p>
 * Run: {@code ./mvnw -q test-compile exec:java -Dexec.mainClass=memberstream.engine.kinesis.KinesisScaleBenchmark
 * -Dexec.classpathScope=test} (optional arguments: {@code records=10000000 bytes=100 rounds=300}). Needs about
 * {@code records * (bytes + 40)} bytes of temporary disk, deleted at the end.
 */
public final class KinesisScaleBenchmark {

    private static final int BATCH = 100;

    public static void main(String[] args) throws Exception {
        int status = 1;
        try {
            benchmark(args);
            status = 0;
        } catch (Throwable failure) {
            failure.printStackTrace(System.out);
        } finally {
            System.out.flush();
            System.exit(status); // exec:java would otherwise wait for the SDK's non-daemon threads
        }
    }

    private static void benchmark(String[] args) throws Exception {
        Map<String, String> options = new HashMap<>();
        for (String arg : args) {
            String[] pair = arg.split("=", 2);
            options.put(pair[0], pair.length > 1 ? pair[1] : "true");
        }
        long records = Long.parseLong(options.getOrDefault("records", "10000000"));
        int bytes = Integer.parseInt(options.getOrDefault("bytes", "100"));
        int rounds = Integer.parseInt(options.getOrDefault("rounds", "300"));
        System.out.printf("Kinesis scale benchmark: %,d records of %d bytes in stream 'big', %d rounds; %d cores, load average %.1f%n",
                records, bytes, rounds, Runtime.getRuntime().availableProcessors(),
                ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        Path data = Files.createTempDirectory("memberstream-scale-");
        EngineProperties properties = EngineProperties.defaults().withPort(0).withThroughputLimits(false)
                .withStatusDelay(Duration.ZERO);
        try {
            KinesisService creator = new KinesisService(data, properties, Clock.systemUTC(), 128L * 1024 * 1024);
            EngineServer creatorServer = new EngineServer(List.of(creator), "127.0.0.1", 0).start();
            try (KinesisClient kinesis = client(creatorServer.port())) {
                kinesis.createStream(b -> b.streamName("empty").shardCount(1));
                kinesis.createStream(b -> b.streamName("big").shardCount(1));
            } finally {
                creatorServer.close();
                creator.close();
            }
            seed(data, records, bytes);

            long replayStarted = System.nanoTime();
            KinesisService service = new KinesisService(data, properties, Clock.systemUTC(), 128L * 1024 * 1024);
            System.out.printf("Engine restart (log replay into the index): %.1f s%n", (System.nanoTime() - replayStarted) / 1e9);
            EngineServer server = new EngineServer(List.of(service), "127.0.0.1", 0).start();
            try (KinesisClient kinesis = client(server.port())) {
                printMemory("with the records loaded");
                measure(kinesis, rounds, bytes);
            } finally {
                server.close();
                service.close();
            }
        } finally {
            deleteRecursively(data);
        }
    }

    /** Appends the records straight to the store (no HTTP), in batches, with the OS deciding when to flush. */
    private static void seed(Path data, long records, int bytes) {
        long started = System.nanoTime();
        try (KinesisStore store = new KinesisStore(data, FsyncPolicy.OS, Clock.systemUTC(), Duration.ZERO,
                false, 128L * 1024 * 1024)) {
            KinesisStream big = store.locked(() -> store.find("big"));
            if (big == null) {
                throw new IllegalStateException("stream 'big' not found under " + data);
            }
            byte[] payload = new byte[bytes];
            Arrays.fill(payload, (byte) 'x');
            List<KinesisStore.Pending> batch = new ArrayList<>(1000);
            for (long i = 0; i < records; i++) {
                byte[] key = Long.toString(i).getBytes(StandardCharsets.UTF_8);
                batch.add(new KinesisStore.Pending(HashKey.ofPartitionKeyBytes(key), key, payload));
                if (batch.size() == 1000 || i == records - 1) {
                    store.append(big, batch);
                    batch.clear();
                }
                if ((i + 1) % 1_000_000 == 0) {
                    System.out.printf("  seeded %,d records (%.0f s)%n", i + 1, (System.nanoTime() - started) / 1e9);
                }
            }
        }
        System.out.printf("Seeded %,d records in %.1f s%n", records, (System.nanoTime() - started) / 1e9);
    }

    private static void measure(KinesisClient kinesis, int rounds, int bytes) throws Exception {
        String[] streams = {"empty", "big"};
        Map<String, double[]> put = new HashMap<>();
        Map<String, double[]> get = new HashMap<>();
        for (String stream : streams) {
            put.put(stream, new double[rounds]);
            get.put(stream, new double[rounds]);
        }
        List<PutRecordsRequestEntry> entries = new ArrayList<>();
        for (int i = 0; i < BATCH; i++) {
            entries.add(PutRecordsRequestEntry.builder().partitionKey("k" + i)
                    .data(SdkBytes.fromByteArray(new byte[bytes])).build());
        }
        int warmUp = Math.max(20, rounds / 5);
        for (int round = -warmUp; round < rounds; round++) {
            for (String stream : (round % 2 == 0 ? streams : new String[] {streams[1], streams[0]})) {
                long started = System.nanoTime();
                PutRecordsResponse response = kinesis.putRecords(b -> b.streamName(stream).records(entries));
                double putMillis = (System.nanoTime() - started) / 1e6;
                if (response.failedRecordCount() != 0) {
                    throw new IllegalStateException(response.failedRecordCount() + " records failed in " + stream);
                }
                started = System.nanoTime();
                String iterator = kinesis.getShardIterator(b -> b.streamName(stream).shardId(ShardId.format(0))
                        .shardIteratorType(ShardIteratorType.TRIM_HORIZON)).shardIterator();
                GetRecordsResponse records = kinesis.getRecords(b -> b.shardIterator(iterator).limit(BATCH));
                double getMillis = (System.nanoTime() - started) / 1e6;
                if (records.records().size() != BATCH) {
                    throw new IllegalStateException("GetRecords on " + stream + " gave " + records.records().size() + " records");
                }
                if (round >= 0) {
                    put.get(stream)[round] = putMillis;
                    get.get(stream)[round] = getMillis;
                }
            }
        }
        System.out.printf("%-40s %10s %10s %10s %10s %8s%n", "call (ms)", "empty p50", "empty p99", "big p50", "big p99", "ratio");
        row("PutRecords (100 records)", put);
        row("GetShardIterator+GetRecords TRIM_HORIZON", get);
        printMemory("after the measurement");
    }

    private static void row(String name, Map<String, double[]> samples) {
        double[] empty = samples.get("empty").clone();
        double[] big = samples.get("big").clone();
        Arrays.sort(empty);
        Arrays.sort(big);
        System.out.printf("%-40s %10.2f %10.2f %10.2f %10.2f %7.2fx%n", name, percentile(empty, 50), percentile(empty, 99),
                percentile(big, 50), percentile(big, 99), percentile(big, 50) / percentile(empty, 50));
    }

    private static double percentile(double[] sorted, int p) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100.0 * sorted.length) - 1)];
    }

    static void printMemory(String when) throws Exception {
        System.gc();
        Runtime runtime = Runtime.getRuntime();
        long heapUsed = runtime.totalMemory() - runtime.freeMemory();
        long rss = 0;
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                rss = Long.parseLong(line.replaceAll("\\D", "")) * 1024;
            }
        }
        System.out.printf("JVM memory %s: heap used after GC %,d MiB (committed %,d MiB, max %,d MiB), resident %,d MiB%n", when,
                heapUsed >> 20, runtime.totalMemory() >> 20, runtime.maxMemory() >> 20, rss >> 20);
    }

    private static KinesisClient client(int port) {
        return KinesisClient.builder()
                .endpointOverride(URI.create("http://127.0.0.1:" + port))
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .httpClient(ApacheHttpClient.create())
                .build();
    }

    private static void deleteRecursively(Path root) throws Exception {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }
}
