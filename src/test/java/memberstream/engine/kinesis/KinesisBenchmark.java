package memberstream.engine.kinesis;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
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
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;

/**
 * The Kinesis benchmark: the same workload, through the same AWS SDK client, against the engine
 * (in this JVM, default fsync policy, throughput limits off) and against kinesalite (installed with
 * npm into a temporary folder, run by node on another loopback port). Prints one table.
 * <p>
 * Run: {@code ./mvnw -q test-compile exec:java -Dexec.mainClass=memberstream.engine.kinesis.KinesisBenchmark -Dexec.classpathScope=test}
 * (optional arguments: {@code batches=200 seconds=20 writers=4 fsync=EVERY_BATCH|OS skipCbor skipKinesalite}).
 * <p>
 * Engine CPU is the CPU time of the engine's own threads (named {@code engine-*}: I/O, workers) while
 * the PutRecords phase runs, divided by the records stored; the client's threads are not counted,
 * nor is the JVM's garbage collector.
 */
public final class KinesisBenchmark {

    private static final int BATCH = 500;
    private static final int RECORD_BYTES = 1024;
    private static final int SHARDS = 4;
    private static final boolean EXPECT_CONTINUE = Boolean.getBoolean("bench.expectContinue");

    private final int batches;
    private final int seconds;
    private final int writers;

    record Result(String target, double putRecordsPerSecond, double putMegabytesPerSecond, double drainRecordsPerSecond,
                  double drainMegabytesPerSecond, double putP50, double putP99, double readableP50, double readableP99,
                  double engineCpuMicrosPerRecord, long recordsStored) {
    }

    private KinesisBenchmark(int batches, int seconds, int writers) {
        this.batches = batches;
        this.seconds = seconds;
        this.writers = writers;
    }

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
        Map<String, String> options = new java.util.HashMap<>();
        for (String arg : args) {
            String[] pair = arg.split("=", 2);
            options.put(pair[0], pair.length > 1 ? pair[1] : "true");
        }
        KinesisBenchmark bench = new KinesisBenchmark(Integer.parseInt(options.getOrDefault("batches", "200")),
                Integer.parseInt(options.getOrDefault("seconds", "20")), Integer.parseInt(options.getOrDefault("writers", "4")));
        FsyncPolicy fsync = FsyncPolicy.valueOf(options.getOrDefault("fsync", "EVERY_BATCH"));
        System.out.printf("Kinesis benchmark: %d-record PutRecords batches of %d-byte records over %d shards, %d writer threads, "
                        + "up to %d batches or %d s per target; %d cores, load average %.1f%n",
                BATCH, RECORD_BYTES, SHARDS, bench.writers, bench.batches, bench.seconds,
                Runtime.getRuntime().availableProcessors(), ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());

        List<Result> results = new ArrayList<>();
        if (!options.containsKey("skipCbor")) {
            results.add(bench.runEngine(fsync, false));
        }
        results.add(bench.runEngine(fsync, true));
        if (!options.containsKey("skipKinesalite")) {
            Kinesalite kinesalite = Kinesalite.start();
            try {
                // kinesalite answers PutRecords over CBOR with a body the SDK cannot read, so it runs over JSON.
                results.add(bench.run("kinesalite " + kinesalite.version + " JSON", kinesalite.port, true, kinesalite::cpuNanos));
            } finally {
                kinesalite.close();
            }
        }
        print(results);
    }

    /** A fresh engine in this JVM on a temporary directory, measured and removed. */
    private Result runEngine(FsyncPolicy fsync, boolean json) throws Exception {
        Path data = Files.createTempDirectory("memberstream-bench-");
        EngineProperties properties = EngineProperties.defaults().withPort(0).withThroughputLimits(false)
                .withStatusDelay(Duration.ZERO).withFsync(fsync);
        KinesisService service = new KinesisService(data, properties, Clock.systemUTC(), 128L * 1024 * 1024);
        EngineServer server = new EngineServer(List.of(service), "127.0.0.1", 0).start();
        try {
            return run("engine " + (json ? "JSON" : "CBOR") + " fsync " + fsync.name().toLowerCase().replace('_', '-'),
                    server.port(), json, null);
        } finally {
            server.close();
            service.close();
            deleteRecursively(data);
        }
    }

    /** @param serverCpu the CPU nanoseconds of a server outside this JVM (kinesalite's node), or null for the engine */
    private Result run(String target, int port, boolean json, java.util.function.LongSupplier serverCpu) throws Exception {
        boolean measureEngineCpu = serverCpu == null;
        System.out.println("== " + target + " on port " + port);
        try (KinesisClient kinesis = client(port, json)) {
            byte[][] payloads = new byte[64][RECORD_BYTES];
            for (byte[] payload : payloads) {
                ThreadLocalRandom.current().nextBytes(payload);
            }
            warmUp(kinesis, payloads);
            kinesis.createStream(b -> b.streamName("bench").shardCount(SHARDS));
            awaitActive(kinesis, "bench");

            // 1. PutRecords throughput
            AtomicLong stored = new AtomicLong();
            AtomicLong sent = new AtomicLong();
            Map<String, Long> groupsBefore = engineCpuByGroup();
            long cpuBefore = measureEngineCpu ? engineCpuNanos() : 0;
            long jvmCpuBefore = processCpuNanos();
            long jitBefore = ManagementFactory.getCompilationMXBean().getTotalCompilationTime();
            long gcBefore = gcMillis();
            long serverCpuBefore = serverCpu == null ? 0 : serverCpu.getAsLong();
            long started = System.nanoTime();
            putRecordsWithWriters(kinesis, "bench", payloads, batches, seconds, writers, sent, stored);
            double putSeconds = (System.nanoTime() - started) / 1e9;
            long jvmCpu = processCpuNanos() - jvmCpuBefore;
            long jitMillis = ManagementFactory.getCompilationMXBean().getTotalCompilationTime() - jitBefore;
            long gcMillisSpent = gcMillis() - gcBefore;
            if (serverCpu != null) {
                System.out.printf("   server process CPU %.2f us/record%n", (serverCpu.getAsLong() - serverCpuBefore) / 1000.0 / stored.get());
            }
            long cpuAfter = measureEngineCpu ? engineCpuNanos() : 0;
            double cpuPerRecord = measureEngineCpu ? (cpuAfter - cpuBefore) / 1000.0 / stored.get() : Double.NaN;
            if (measureEngineCpu) {
                StringBuilder groups = new StringBuilder();
                engineCpuByGroup().forEach((group, nanos) -> groups.append(String.format(" %s %.2f",
                        group, (nanos - groupsBefore.getOrDefault(group, 0L)) / 1000.0 / stored.get())));
                System.out.println("   engine CPU us/record by thread group:" + groups);
            }
            System.out.printf("   PutRecords: %d of %d records stored in %.2f s (%.0f records/s), engine CPU %.2f us/record,"
                            + " this JVM's CPU (client%s, GC, JIT) %.2f us/record (JIT %d ms, GC pauses %d ms), load average %.1f%n",
                    stored.get(), sent.get(), putSeconds, stored.get() / putSeconds, cpuPerRecord,
                    measureEngineCpu ? ", engine" : "", jvmCpu / 1000.0 / stored.get(), jitMillis, gcMillisSpent,
                    ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());

            // 2. GetRecords drain, one reader per shard
            long drainStarted = System.nanoTime();
            ExecutorService readers = Executors.newFixedThreadPool(SHARDS, KinesisBenchmark::daemon);
            List<Future<long[]>> drained = new ArrayList<>();
            for (int s = 0; s < SHARDS; s++) {
                String shardId = ShardId.format(s);
                drained.add(readers.submit(() -> drainStream(kinesis, "bench", shardId)));
            }
            long drainedRecords = 0;
            long drainedBytes = 0;
            for (Future<long[]> future : drained) {
                long[] counts = future.get();
                drainedRecords += counts[0];
                drainedBytes += counts[1];
            }
            readers.shutdown();
            double drainSeconds = (System.nanoTime() - drainStarted) / 1e9;
            System.out.printf("   GetRecords: drained %d records in %.2f s%n", drainedRecords, drainSeconds);

            // 3. PutRecord latency
            double[] putLatencies = putRecordLatencies(kinesis, "bench", payloads[0], 1000);

            // 4. put -> readable latency
            double[] readable = putToReadableLatencies(kinesis, payloads[1], 300);

            return new Result(target, stored.get() / putSeconds, stored.get() * (double) RECORD_BYTES / putSeconds / 1e6,
                    drainedRecords / drainSeconds, drainedBytes / drainSeconds / 1e6,
                    percentile(putLatencies, 50), percentile(putLatencies, 99),
                    percentile(readable, 50), percentile(readable, 99), cpuPerRecord, stored.get());
        }
    }

    private static Thread daemon(Runnable runnable) {
        Thread thread = new Thread(runnable, "bench-client");
        thread.setDaemon(true);
        return thread;
    }

    private static long[] drainStream(KinesisClient kinesis, String stream, String shardId) {
        String iterator = kinesis.getShardIterator(b -> b.streamName(stream).shardId(shardId)
                .shardIteratorType(ShardIteratorType.TRIM_HORIZON)).shardIterator();
        long records = 0;
        long bytes = 0;
        while (iterator != null) {
            String current = iterator;
            GetRecordsResponse response = kinesis.getRecords(b -> b.shardIterator(current).limit(10000));
            for (Record record : response.records()) {
                bytes += record.data().asByteArrayUnsafe().length;
            }
            records += response.records().size();
            if (response.records().isEmpty() && (response.millisBehindLatest() == null || response.millisBehindLatest() == 0)) {
                break;
            }
            iterator = response.nextShardIterator();
        }
        return new long[] {records, bytes};
    }

    /** {@code writers} threads put {@code batches} batches of {@link #BATCH} records (or as many as fit in {@code seconds}). */
    private static void putRecordsWithWriters(KinesisClient kinesis, String stream, byte[][] payloads, int batches, int seconds,
                                              int writers, AtomicLong sent, AtomicLong stored) throws Exception {
        AtomicLong batchesLeft = new AtomicLong(batches);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        ExecutorService pool = Executors.newFixedThreadPool(writers, KinesisBenchmark::daemon);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int w = 0; w < writers; w++) {
                futures.add(pool.submit(() -> {
                    while (batchesLeft.getAndDecrement() > 0 && System.nanoTime() < deadline) {
                        List<PutRecordsRequestEntry> entries = new ArrayList<>(BATCH);
                        for (int i = 0; i < BATCH; i++) {
                            entries.add(PutRecordsRequestEntry.builder()
                                    .partitionKey(Long.toString(ThreadLocalRandom.current().nextLong()))
                                    .data(SdkBytes.fromByteArrayUnsafe(payloads[i % payloads.length])).build());
                        }
                        PutRecordsResponse response = kinesis.putRecords(b -> b.streamName(stream).records(entries));
                        sent.addAndGet(BATCH);
                        stored.addAndGet(BATCH - response.failedRecordCount());
                    }
                    return null;
                }));
            }
            for (Future<?> future : futures) {
                future.get();
            }
        } finally {
            pool.shutdown();
        }
    }

    /**
     * Runs every call of the workload on another stream first: the PutRecords phase (same writers,
     * same shards) in rounds, after the other calls, until this JVM's JIT has about finished compiling (a round
     * adds under 100 ms of compilation; at most 10 rounds or 60 s), so that the client's and the engine's paths are compiled
     * before anything is measured (node's JIT warms up on the same rounds); then deletes that stream.
     */
    private void warmUp(KinesisClient kinesis, byte[][] payloads) throws Exception {
        kinesis.createStream(b -> b.streamName("warmup").shardCount(SHARDS));
        awaitActive(kinesis, "warmup");
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        var jit = ManagementFactory.getCompilationMXBean();
        int rounds = 0;
        long lastRound = -1;
        while (rounds < 10 && System.nanoTime() < until) {
            long compiledBefore = jit.getTotalCompilationTime();
            for (int s = 0; s < SHARDS && rounds > 0; s++) {
                drainStream(kinesis, "warmup", ShardId.format(s));
            }
            putRecordLatencies(kinesis, "warmup", payloads[0], 100);
            // PutRecords last, so that the measured phase starts on the profiles it left
            putRecordsWithWriters(kinesis, "warmup", payloads, Math.min(batches, 100), 10, writers, new AtomicLong(), new AtomicLong());
            rounds++;
            lastRound = jit.getTotalCompilationTime() - compiledBefore;
            if (rounds >= 3 && lastRound < 100) {
                break;
            }
        }
        System.out.printf("   warm-up: %d rounds, the last with %d ms of JIT compilation%n", rounds, lastRound);
        kinesis.deleteStream(b -> b.streamName("warmup"));
        for (int i = 0; i < 200 && kinesis.listStreams().streamNames().contains("warmup"); i++) {
            Thread.sleep(50);
        }
    }

    private static double[] putRecordLatencies(KinesisClient kinesis, String stream, byte[] payload, int count) {
        double[] millis = new double[count];
        SdkBytes data = SdkBytes.fromByteArrayUnsafe(payload);
        for (int i = -50; i < count; i++) {
            long started = System.nanoTime();
            int n = i;
            kinesis.putRecord(b -> b.streamName(stream).partitionKey("latency-" + n).data(data));
            if (i >= 0) {
                millis[i] = (System.nanoTime() - started) / 1e6;
            }
        }
        return millis;
    }

    /** A reader polls shard 0 without pause; a writer puts one record every 5 ms; the gap between put and first sight. */
    private static double[] putToReadableLatencies(KinesisClient kinesis, byte[] payload, int count) throws Exception {
        Map<String, Long> sentAt = new ConcurrentHashMap<>();
        double[] millis = new double[count];
        AtomicLong seen = new AtomicLong();
        AtomicBoolean stop = new AtomicBoolean();
        String start = kinesis.getShardIterator(b -> b.streamName("bench").shardId("shardId-000000000000")
                .shardIteratorType(ShardIteratorType.LATEST)).shardIterator();
        Thread reader = new Thread(() -> {
            String iterator = start;
            while (!stop.get() && seen.get() < count) {
                String current = iterator;
                GetRecordsResponse response = kinesis.getRecords(b -> b.shardIterator(current));
                long now = System.nanoTime();
                for (Record record : response.records()) {
                    Long at = sentAt.remove(record.partitionKey());
                    if (at != null) {
                        long index = seen.getAndIncrement();
                        if (index < count) {
                            millis[(int) index] = (now - at) / 1e6;
                        }
                    }
                }
                iterator = response.nextShardIterator();
            }
        }, "bench-reader");
        reader.start();
        SdkBytes data = SdkBytes.fromByteArrayUnsafe(payload);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        for (int i = 0; i < count && System.nanoTime() < deadline; i++) {
            String key = "readable-" + i;
            sentAt.put(key, System.nanoTime());
            kinesis.putRecord(b -> b.streamName("bench").partitionKey(key).explicitHashKey("0").data(data));
            Thread.sleep(5);
        }
        reader.join(TimeUnit.SECONDS.toMillis(30));
        stop.set(true);
        reader.join();
        return Arrays.copyOf(millis, (int) Math.min(seen.get(), count));
    }

    private static long gcMillis() {
        return ManagementFactory.getGarbageCollectorMXBeans().stream().mapToLong(gc -> Math.max(0, gc.getCollectionTime())).sum();
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    private static long engineCpuNanos() {
        return engineCpuByGroup().values().stream().mapToLong(Long::longValue).sum();
    }

    /** CPU nanoseconds of the engine's threads by group ({@code engine-io}, {@code engine-worker}, ...). */
    private static Map<String, Long> engineCpuByGroup() {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        Map<String, Long> byGroup = new java.util.TreeMap<>();
        for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (info != null && info.getThreadName().startsWith("engine-")) {
                long cpu = threads.getThreadCpuTime(info.getThreadId());
                if (cpu > 0) {
                    String group = info.getThreadName().replaceAll("-\\d+(-\\d+)?$", "");
                    byGroup.merge(group, cpu, Long::sum);
                }
            }
        }
        return byGroup;
    }

    private static double percentile(double[] values, int percentile) {
        if (values.length == 0) {
            return Double.NaN;
        }
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int index = (int) Math.ceil(percentile / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }

    private static void print(List<Result> results) {
        System.out.println();
        System.out.printf("%-32s %14s %10s %14s %10s %9s %9s %9s %9s %12s%n", "target", "put rec/s", "put MB/s",
                "drain rec/s", "drain MB/s", "put p50", "put p99", "read p50", "read p99", "cpu us/rec");
        for (Result r : results) {
            System.out.printf("%-32s %14.0f %10.1f %14.0f %10.1f %7.2fms %7.2fms %7.2fms %7.2fms %12s%n", r.target(),
                    r.putRecordsPerSecond(), r.putMegabytesPerSecond(), r.drainRecordsPerSecond(), r.drainMegabytesPerSecond(),
                    r.putP50(), r.putP99(), r.readableP50(), r.readableP99(),
                    Double.isNaN(r.engineCpuMicrosPerRecord()) ? "-" : String.format("%.2f", r.engineCpuMicrosPerRecord()));
        }
        if (results.size() >= 2 && results.get(results.size() - 1).target().startsWith("kinesalite")) {
            Result engine = results.get(results.size() - 2);
            Result other = results.get(results.size() - 1);
            System.out.printf("%nengine / kinesalite, both over JSON: PutRecords %.1fx records/s, drain %.1fx records/s, PutRecord p50 %.1fx faster%n",
                    engine.putRecordsPerSecond() / other.putRecordsPerSecond(),
                    engine.drainRecordsPerSecond() / other.drainRecordsPerSecond(), other.putP50() / engine.putP50());
        }
    }

    private static KinesisClient client(int port, boolean json) {
        if (json) {
            System.setProperty("aws.cborEnabled", "false"); // read once, when the client is built
        }
        try {
            return buildClient(port);
        } finally {
            System.clearProperty("aws.cborEnabled");
        }
    }

    private static KinesisClient buildClient(int port) {
        return KinesisClient.builder()
                .endpointOverride(URI.create("http://127.0.0.1:" + port))
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .httpClient(ApacheHttpClient.builder().maxConnections(32).expectContinueEnabled(EXPECT_CONTINUE).build())
                .overrideConfiguration(o -> o.apiCallTimeout(Duration.ofMinutes(2)))
                .build();
    }

    private static void awaitActive(KinesisClient kinesis, String stream) throws InterruptedException {
        for (int i = 0; i < 200; i++) {
            if ("ACTIVE".equals(kinesis.describeStreamSummary(b -> b.streamName(stream)).streamDescriptionSummary().streamStatusAsString())) {
                return;
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException(stream + " never became ACTIVE");
    }

    private static void deleteRecursively(Path path) throws IOException {
        if (!Files.exists(path)) {
            return;
        }
        try (var walk = Files.walk(path)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    /** kinesalite from npm in a temporary folder, run by node on a free loopback port. */
    private static final class Kinesalite implements AutoCloseable {
        final Process process;
        final int port;
        final Path folder;
        final String version;

        private Kinesalite(Process process, int port, Path folder, String version) {
            this.process = process;
            this.port = port;
            this.folder = folder;
            this.version = version;
        }

        static Kinesalite start() throws Exception {
            Path folder = Files.createTempDirectory("kinesalite-");
            System.out.println("Installing kinesalite with npm into " + folder + " ...");
            Process install = new ProcessBuilder("npm", "install", "--prefix", folder.toString(), "--no-audit", "--no-fund",
                    "--loglevel=error", "kinesalite").redirectErrorStream(true).start();
            String installLog = new String(install.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (install.waitFor() != 0) {
                throw new IllegalStateException("npm install kinesalite failed:\n" + installLog);
            }
            Path cli = folder.resolve("node_modules/kinesalite/cli.js");
            String packageJson = Files.readString(folder.resolve("node_modules/kinesalite/package.json"));
            java.util.regex.Matcher matcher = java.util.regex.Pattern.compile("\"version\"\\s*:\\s*\"([^\"]+)\"").matcher(packageJson);
            String version = matcher.find() ? matcher.group(1) : "?";
            int port;
            try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
                port = socket.getLocalPort();
            }
            Process process = new ProcessBuilder("node", cli.toString(), "--host", "127.0.0.1", "--port", Integer.toString(port),
                    "--createStreamMs", "0", "--deleteStreamMs", "0", "--updateStreamMs", "0", "--shardLimit", "100")
                    .redirectErrorStream(true).start();
            BufferedReader output = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            String line = output.readLine();
            if (line == null || !line.contains("Listening")) {
                process.destroyForcibly();
                throw new IllegalStateException("kinesalite did not start: " + line);
            }
            Thread drain = new Thread(() -> {
                try {
                    while (output.readLine() != null) {
                        // discard
                    }
                } catch (IOException ignored) {
                    // process ended
                }
            });
            drain.setDaemon(true);
            drain.start();
            return new Kinesalite(process, port, folder, version);
        }

        long cpuNanos() {
            return process.toHandle().info().totalCpuDuration().map(Duration::toNanos).orElse(0L);
        }

        @Override
        public void close() throws Exception {
            process.destroy();
            process.waitFor(5, TimeUnit.SECONDS);
            process.destroyForcibly();
            deleteRecursively(folder);
        }
    }
}
