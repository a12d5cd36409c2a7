package memberstream.forwarding;

import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import memberstream.KinesisWireProtocol;
import memberstream.engine.TestEngine;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.endpoints.Endpoint;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.KinesisClientBuilder;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;

/**
 * What one PutRecords call costs the console's side (the calling thread's CPU and allocation, and the
 * process's CPU less the engine's threads: the SDK's helpers, garbage collection, JIT) for several
 * client configurations, against the embedded engine in this JVM. Variants run in alternating rounds,
 * so none gets the warmer JIT or the quieter moment. Prints numbers; asserts nothing. (Apache's
 * expect-continue is not among them: the SDK asks for it on PUT only, and Kinesis and Firehose POST.)
 *
 * <pre>
 * ./mvnw -q -o exec:java -Dexec.classpathScope=test -Dexec.mainClass=memberstream.forwarding.SinkCallBenchmark
 * </pre>
 * Options: {@code -Dbench.calls=3000} a round, {@code -Dbench.rounds=4}, {@code -Dbench.records=4} a call,
 * {@code -Dbench.variants=shipped,json,...} (the names below).
 */
public final class SinkCallBenchmark {

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    private static final com.sun.management.OperatingSystemMXBean OS =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    /** How a client is built. */
    record Variant(String name, String http, boolean json, boolean fixedEndpoint, boolean callTimeout) {
    }

    public static void main(String[] args) throws Exception {
        int calls = Integer.getInteger("bench.calls", 3000);
        int rounds = Integer.getInteger("bench.rounds", 4);
        int recordsPerCall = Integer.getInteger("bench.records", 4);
        Map<String, Variant> all = new LinkedHashMap<>();
        for (Variant v : List.of(
                new Variant("shipped", "apache", false, false, true),
                new Variant("json", "apache", true, false, true),
                new Variant("fixed-endpoint", "apache", false, true, true),
                new Variant("no-call-timeout", "apache", false, false, false),
                new Variant("apache5", "apache5", false, false, true))) {
            all.put(v.name(), v);
        }
        List<Variant> variants = Arrays.stream(System.getProperty("bench.variants", String.join(",", all.keySet()))
                .split(",")).map(String::trim).map(all::get).toList();

        try (TestEngine engine = new TestEngine("sink-call-bench", true)) {
            URI endpoint = engine.endpoint();
            try (KinesisClient setup = engine.kinesisClient()) {
                setup.createStream(b -> b.streamName("bench").shardCount(4));
            }
            Map<Variant, KinesisClient> clients = new LinkedHashMap<>();
            for (Variant v : variants) {
                clients.put(v, build(v, endpoint));
            }
            byte[] payload = payload();
            System.out.printf("SinkCallBenchmark: %d calls a round, %d records a call (%d bytes each), %d rounds,"
                    + " load average %.1f%n", calls, recordsPerCall, payload.length, rounds, OS.getSystemLoadAverage());
            for (var e : clients.entrySet()) { // warm-up, not counted
                run(e.getValue(), calls, recordsPerCall, payload);
            }
            Map<Variant, List<double[]>> results = new LinkedHashMap<>();
            for (int round = 1; round <= rounds; round++) {
                List<Map.Entry<Variant, KinesisClient>> order = new ArrayList<>(clients.entrySet());
                java.util.Collections.rotate(order, -(round - 1)); // each variant first in turn
                for (var e : order) {
                    double[] r = run(e.getValue(), calls, recordsPerCall, payload);
                    results.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(r);
                    System.out.printf("round %d %-16s caller %6.1f µs a call, %7.0f bytes allocated; process less"
                            + " engine %6.1f µs a call%n", round, e.getKey().name(), r[0], r[1], r[2]);
                }
            }
            System.out.printf("medians (load average %.1f):%n", OS.getSystemLoadAverage());
            for (var e : results.entrySet()) {
                System.out.printf("%-16s caller %6.1f µs a call, %7.0f bytes allocated; process less engine %6.1f µs%n",
                        e.getKey().name(), median(e.getValue(), 0), median(e.getValue(), 1), median(e.getValue(), 2));
            }
            clients.values().forEach(KinesisClient::close);
        }
    }

    private static KinesisClient build(Variant v, URI endpoint) {
        Supplier<KinesisClient> build = () -> {
            SdkHttpClient http = switch (v.http()) {
                case "apache" -> apache().build();
                case "apache5" -> Apache5HttpClient.builder().connectionTimeout(Duration.ofSeconds(1))
                        .socketTimeout(Duration.ofSeconds(10)).connectionAcquisitionTimeout(Duration.ofSeconds(10))
                        .maxConnections(64).build();
                default -> throw new IllegalArgumentException(v.http());
            };
            var override = ClientOverrideConfiguration.builder().retryStrategy(AwsRetryStrategy.doNotRetry());
            if (v.callTimeout()) {
                override.apiCallTimeout(Duration.ofSeconds(10));
            }
            KinesisClientBuilder builder = KinesisClient.builder().httpClient(http).region(Region.US_EAST_1)
                    .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                    .overrideConfiguration(override.build())
                    .endpointOverride(endpoint);
            if (v.fixedEndpoint()) {
                Endpoint fixed = Endpoint.builder().url(endpoint).build();
                builder.endpointProvider(params -> CompletableFuture.completedFuture(fixed));
            }
            return builder.build();
        };
        return KinesisWireProtocol.building(v.json(), build);
    }

    private static ApacheHttpClient.Builder apache() {
        return ApacheHttpClient.builder().connectionTimeout(Duration.ofSeconds(1)).socketTimeout(Duration.ofSeconds(10))
                .connectionAcquisitionTimeout(Duration.ofSeconds(10)).maxConnections(64);
    }

    /** Per call: caller CPU µs, caller bytes allocated, process CPU less the engine's threads µs. */
    private static double[] run(KinesisClient client, int calls, int recordsPerCall, byte[] payload) {
        long thread = Thread.currentThread().getId();
        long engineStart = engineCpuNanos();
        long processStart = OS.getProcessCpuTime();
        long cpuStart = THREADS.getCurrentThreadCpuTime();
        long allocStart = THREADS.getThreadAllocatedBytes(thread);
        for (int i = 0; i < calls; i++) {
            List<PutRecordsRequestEntry> entries = new ArrayList<>(recordsPerCall);
            for (int r = 0; r < recordsPerCall; r++) {
                entries.add(PutRecordsRequestEntry.builder().partitionKey(Integer.toString(i * recordsPerCall + r))
                        .data(SdkBytes.fromByteArrayUnsafe(payload)).build());
            }
            var response = client.putRecords(b -> b.streamName("bench").records(entries));
            if (response.failedRecordCount() != null && response.failedRecordCount() > 0) {
                throw new IllegalStateException("failed records: " + response.failedRecordCount());
            }
        }
        double cpu = (THREADS.getCurrentThreadCpuTime() - cpuStart) / 1e3 / calls;
        double alloc = (double) (THREADS.getThreadAllocatedBytes(thread) - allocStart) / calls;
        double process = (OS.getProcessCpuTime() - processStart - (engineCpuNanos() - engineStart)) / 1e3 / calls;
        return new double[] {cpu, alloc, process};
    }

    private static long engineCpuNanos() {
        long sum = 0;
        for (var info : THREADS.dumpAllThreads(false, false)) {
            if (info.getThreadName().startsWith("engine-")) {
                long t = THREADS.getThreadCpuTime(info.getThreadId());
                sum += Math.max(0, t);
            }
        }
        return sum;
    }

    private static double median(List<double[]> rows, int column) {
        double[] sorted = rows.stream().mapToDouble(r -> r[column]).sorted().toArray();
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    /** About the size of a member's CloudEvent. */
    private static byte[] payload() {
        String json = "{\"specversion\":\"1.0\",\"id\":\"3f7c1f0e-3d2a-4a39-9a4f-5b8c2d1e0f11\",\"source\":"
                + "\"/memberstream/members\",\"type\":\"io.memberstream.member.created\",\"subject\":\"42\",\"time\":"
                + "\"2026-12-01T10:15:30.123456Z\",\"datacontenttype\":\"application/json\",\"data\":{\"eventId\":"
                + "\"3f7c1f0e-3d2a-4a39-9a4f-5b8c2d1e0f11\",\"type\":\"CREATED\",\"memberId\":42,\"occurredAt\":"
                + "\"2026-12-01T10:15:30.123456Z\",\"actor\":\"admin\",\"version\":0,\"changes\":{\"fullName\":{\"before\":"
                + "null,\"after\":\"Ada Lovelace\"},\"email\":{\"before\":null,\"after\":\"ada@example.org\"},\"role\":"
                + "{\"before\":null,\"after\":\"MEMBER\"},\"status\":{\"before\":null,\"after\":\"ACTIVE\"},\"joinedOn\":"
                + "{\"before\":null,\"after\":\"2024-03-01\"},\"phone\":{\"before\":null,\"after\":\"+44 20 7946 0000\"}}}}";
        return json.getBytes(StandardCharsets.UTF_8);
    }
}
