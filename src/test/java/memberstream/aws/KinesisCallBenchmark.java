package memberstream.aws;

import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import memberstream.KinesisWireProtocol;
import memberstream.engine.TestEngine;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.endpoints.Endpoint;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.http.auth.aws.scheme.AwsV4AuthScheme;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.scheme.AuthSchemeOption;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.KinesisClientBuilder;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;

/**
 * What one PutRecords call costs the calling thread (CPU, wall and allocation) for several ways of
 * building the ordinary SDK Kinesis client, against the embedded engine on a random port in this JVM.
 * The console's Kinesis sender makes exactly such calls from one thread, so the caller's CPU is the
 * figure to read; the process's CPU less the engine's threads is printed too, for work a setting moves
 * off the caller (the call timeout's timer thread, the connection reaper) and for GC and JIT.
 *
 * <p>A variant is a {@code +}-joined set of changes to the client the console builds: {@code shipped} is
 * none, {@code console} is {@link AwsClients} itself as it is now (so it reads as {@code shipped} before
 * a change to AwsClients and as the winners after). Variants run in turns, rotated each round, after a
 * warm-up of every variant, so none gets the warmer JIT or the quieter minute. Prints numbers; asserts
 * nothing.
 *
 * <pre>
 * ./mvnw -q -o exec:java -Dexec.classpathScope=test -Dexec.mainClass=memberstream.aws.KinesisCallBenchmark
 * </pre>
 * Options: {@code -Dbench.calls=500} a variant a round, {@code -Dbench.rounds=30},
 * {@code -Dbench.warmup=4000} calls a variant, {@code -Dbench.records=1,5} records a call,
 * {@code -Dbench.variants=shipped,json,...} (changes: see {@link #CHANGES}), {@code -Dbench.verbose=true} prints
 * every turn.
 */
public final class KinesisCallBenchmark {

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    private static final com.sun.management.OperatingSystemMXBean OS =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    private static final Region REGION = Region.US_EAST_1;
    private static final String STREAM = "bench";

    /** The changes a variant can combine, each to the client as {@link AwsClients} built it before this benchmark. */
    static final Set<String> CHANGES = Set.of(
            "json",             // aws.cborEnabled=false: JSON on the wire instead of CBOR
            "static-endpoint",  // an endpoint provider that returns the override, no endpoint rules a call
            "static-auth",      // an auth scheme provider that returns SigV4 for kinesis, no resolution a call
            "no-call-timeout",  // no apiCallTimeout (the socket and connect timeouts stay)
            "apache-lean",      // Apache without its idle connection reaper and expect-continue
            "apache5",          // the SDK's Apache 5 client (a runtime dependency of every SDK service)
            "urlconn");         // the SDK's URL connection client (the JDK's HttpURLConnection)

    private static final String DEFAULT_VARIANTS = "shipped,console,json,static-endpoint,static-auth,no-call-timeout,"
            + "apache-lean,static-endpoint+static-auth,static-endpoint+static-auth+no-call-timeout";

    private KinesisCallBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int calls = Integer.getInteger("bench.calls", 500);
        int rounds = Integer.getInteger("bench.rounds", 30);
        int warmup = Integer.getInteger("bench.warmup", 4000);
        int[] sizes = Arrays.stream(System.getProperty("bench.records", "1,5").split(","))
                .map(String::trim).mapToInt(Integer::parseInt).toArray();
        List<String> variants = Arrays.stream(System.getProperty("bench.variants", DEFAULT_VARIANTS).split(","))
                .map(String::trim).filter(s -> !s.isEmpty()).toList();

        try (TestEngine engine = new TestEngine("kinesis-call-bench", true)) {
            URI endpoint = engine.endpoint();
            try (KinesisClient setup = engine.kinesisClient()) {
                setup.createStream(b -> b.streamName(STREAM).shardCount(4));
            }
            List<AutoCloseable> resources = new ArrayList<>();
            Map<String, KinesisClient> clients = new LinkedHashMap<>();
            for (String v : variants) {
                clients.put(v, build(v, endpoint, resources));
            }
            byte[] payload = payload();
            System.out.printf("KinesisCallBenchmark: variants %s; records a call %s (%d bytes each); %d calls a variant"
                            + " a round, %d rounds, warm-up %d calls a variant; load average %.1f%n",
                    variants, Arrays.toString(sizes), payload.length, calls, rounds, warmup, OS.getSystemLoadAverage());
            for (var e : clients.entrySet()) { // not counted
                for (int size : sizes) {
                    run(e.getValue(), Math.max(1, warmup / sizes.length), size, payload);
                }
            }
            Map<String, List<double[]>> results = new LinkedHashMap<>();
            for (int round = 1; round <= rounds; round++) {
                List<Map.Entry<String, KinesisClient>> order = new ArrayList<>(clients.entrySet());
                Collections.rotate(order, -(round - 1)); // each variant first in turn
                for (int size : sizes) {
                    for (var e : order) {
                        double[] r = run(e.getValue(), calls, size, payload);
                        results.computeIfAbsent(key(e.getKey(), size), k -> new ArrayList<>()).add(r);
                        if (Boolean.getBoolean("bench.verbose")) {
                            System.out.printf("round %d %d rec %-40s caller CPU %6.1f µs, wall %6.1f µs, %6.0f B"
                                            + " allocated; process less engine %6.1f µs (a call)%n", round, size,
                                    e.getKey(), r[0], r[1], r[2], r[3]);
                        }
                    }
                }
                System.out.printf("round %d done, load average %.1f%n", round, OS.getSystemLoadAverage());
            }
            System.out.printf("%nMedians of %d rounds (load average %.1f), a call; \"vs\" is the median of each round's"
                    + " ratio to %s in the same round, with the middle half of those ratios:%n", rounds,
                    OS.getSystemLoadAverage(), variants.get(0));
            for (int size : sizes) {
                List<double[]> base = results.get(key(variants.get(0), size));
                for (String v : variants) {
                    List<double[]> rows = results.get(key(v, size));
                    double[] ratios = new double[rows.size()];
                    for (int i = 0; i < ratios.length; i++) {
                        ratios[i] = rows.get(i)[0] / base.get(i)[0];
                    }
                    Arrays.sort(ratios);
                    System.out.printf("%d rec %-40s caller CPU %6.1f µs, vs %s %+5.1f %% (%+.1f to %+.1f %%), wall %6.1f µs,"
                                    + " %6.0f B allocated; process less engine %6.1f µs%n", size, v, median(rows, 0),
                            variants.get(0), 100 * (quantile(ratios, 0.5) - 1), 100 * (quantile(ratios, 0.25) - 1),
                            100 * (quantile(ratios, 0.75) - 1), median(rows, 1), median(rows, 2), median(rows, 3));
                }
            }
            for (KinesisClient client : clients.values()) {
                client.close();
            }
            for (AutoCloseable resource : resources) {
                resource.close();
            }
        }
    }

    private static String key(String variant, int size) {
        return variant + "/" + size;
    }

    private static KinesisClient build(String variant, URI endpoint, List<AutoCloseable> resources) {
        if (variant.equals("console")) {
            AwsClients console = new AwsClients(properties(), () -> endpoint);
            resources.add(console);
            return console.kinesis();
        }
        Set<String> changes = variant.equals("shipped") ? Set.of()
                : Arrays.stream(variant.split("\\+")).collect(Collectors.toSet());
        for (String change : changes) {
            if (!CHANGES.contains(change)) {
                throw new IllegalArgumentException("unknown change " + change + " (known: shipped, console, " + CHANGES + ")");
            }
        }
        AwsProperties properties = properties();
        SdkHttpClient http;
        if (changes.contains("apache5")) {
            http = Apache5HttpClient.builder().connectionTimeout(properties.connectTimeout())
                    .socketTimeout(properties.callTimeout()).connectionAcquisitionTimeout(properties.callTimeout())
                    .maxConnections(64).build();
        } else if (changes.contains("urlconn")) {
            http = UrlConnectionHttpClient.builder().connectionTimeout(properties.connectTimeout())
                    .socketTimeout(properties.callTimeout()).build();
        } else {
            ApacheHttpClient.Builder apache = ApacheHttpClient.builder().connectionTimeout(properties.connectTimeout())
                    .socketTimeout(properties.callTimeout()).connectionAcquisitionTimeout(properties.callTimeout())
                    .maxConnections(64);
            if (changes.contains("apache-lean")) {
                apache.useIdleConnectionReaper(false).expectContinueEnabled(false);
            }
            http = apache.build();
        }
        resources.add(http);
        Supplier<KinesisClient> build = () -> {
            var override = ClientOverrideConfiguration.builder().retryStrategy(AwsRetryStrategy.doNotRetry());
            if (!changes.contains("no-call-timeout")) {
                override.apiCallTimeout(properties.callTimeout());
            }
            KinesisClientBuilder builder = KinesisClient.builder().httpClient(http).region(REGION)
                    .credentialsProvider(StaticCredentialsProvider.create(AwsClients.LOCAL_CREDENTIALS))
                    .overrideConfiguration(override.build())
                    .endpointOverride(endpoint);
            if (changes.contains("static-endpoint")) {
                Endpoint fixed = Endpoint.builder().url(endpoint).build();
                CompletableFuture<Endpoint> answer = CompletableFuture.completedFuture(fixed);
                builder.endpointProvider(params -> answer);
            }
            if (changes.contains("static-auth")) {
                List<AuthSchemeOption> sigV4 = List.of(AuthSchemeOption.builder()
                        .schemeId(AwsV4AuthScheme.SCHEME_ID)
                        .putSignerProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "kinesis")
                        .putSignerProperty(AwsV4HttpSigner.REGION_NAME, REGION.id())
                        .build());
                builder.authSchemeProvider(params -> sigV4);
            }
            return builder.build();
        };
        return KinesisWireProtocol.building(changes.contains("json"), build);
    }

    private static AwsProperties properties() {
        return new AwsProperties(AwsMode.EMBEDDED, null, REGION.id(), "b", false, 4, Duration.ofSeconds(60),
                "arn:aws:iam::000000000000:role/r", Duration.ofSeconds(1), Duration.ofSeconds(10));
    }

    /** Per call: caller CPU µs, caller wall µs, caller bytes allocated, process CPU less the engine's threads µs. */
    private static double[] run(KinesisClient client, int calls, int recordsPerCall, byte[] payload) {
        long thread = Thread.currentThread().getId();
        long engineStart = engineCpuNanos();
        long processStart = OS.getProcessCpuTime();
        long wallStart = System.nanoTime();
        long cpuStart = THREADS.getCurrentThreadCpuTime();
        long allocStart = THREADS.getThreadAllocatedBytes(thread);
        for (int i = 0; i < calls; i++) {
            List<PutRecordsRequestEntry> entries = new ArrayList<>(recordsPerCall);
            for (int r = 0; r < recordsPerCall; r++) {
                entries.add(PutRecordsRequestEntry.builder().partitionKey(Integer.toString(i * recordsPerCall + r))
                        .data(SdkBytes.fromByteArrayUnsafe(payload)).build());
            }
            var response = client.putRecords(b -> b.streamName(STREAM).records(entries));
            if (response.failedRecordCount() != null && response.failedRecordCount() > 0) {
                throw new IllegalStateException("failed records: " + response.failedRecordCount());
            }
        }
        double cpu = (THREADS.getCurrentThreadCpuTime() - cpuStart) / 1e3 / calls;
        double wall = (System.nanoTime() - wallStart) / 1e3 / calls;
        double alloc = (double) (THREADS.getThreadAllocatedBytes(thread) - allocStart) / calls;
        double process = (OS.getProcessCpuTime() - processStart - (engineCpuNanos() - engineStart)) / 1e3 / calls;
        return new double[] {cpu, wall, alloc, process};
    }

    private static long engineCpuNanos() {
        long sum = 0;
        for (var info : THREADS.dumpAllThreads(false, false)) {
            if (info.getThreadName().startsWith("engine-")) {
                sum += Math.max(0, THREADS.getThreadCpuTime(info.getThreadId()));
            }
        }
        return sum;
    }

    private static double median(List<double[]> rows, int column) {
        double[] sorted = rows.stream().mapToDouble(r -> r[column]).sorted().toArray();
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    /** The q-quantile of sorted values, interpolated. */
    private static double quantile(double[] sorted, double q) {
        double position = q * (sorted.length - 1);
        int low = (int) Math.floor(position);
        int high = Math.min(sorted.length - 1, low + 1);
        return sorted[low] + (position - low) * (sorted[high] - sorted[low]);
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
