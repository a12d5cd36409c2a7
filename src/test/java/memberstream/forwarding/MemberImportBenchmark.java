package memberstream.forwarding;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import memberstream.BenchmarkConsole;
import org.springframework.boot.convert.DurationStyle;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.ProvisionedThroughputExceededException;
import software.amazon.awssdk.services.kinesis.model.ResourceNotFoundException;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;
import software.amazon.awssdk.services.kinesis.model.StreamStatus;

/**
 * The import benchmark (issue #11): a command that prints numbers. One console on the embedded defaults
 * (forwarding to Kinesis, the default 4 shards unless {@code -Dbench.shards=N}, the engine's throughput limits on
 * unless {@code -Dbench.throughput-limits=false}), in the mode {@code -Dbench.mode} names ({@link SaveTarget}):
 * {@code processes} (default: the engine and the console each in a JVM of its own, the clients in this one, so
 * the console's CPU, its garbage collection and JIT included, is its own) or {@code in-process} (all in this
 * JVM, as before). Then:
 * <ol>
 * <li>an import of {@code bench.rows} (100,000) members through {@code POST /api/members/import}:
 * members per second from the upload's first byte to the last created event readable in the stream
 * (one tailer a shard reads it as any consumer would, within the read limits), the events lost and
 * duplicated (counted by event id and member), and the CPU each imported member cost;</li>
 * <li>the CPU of one save through {@code POST /api/members} with forwarding on, then off, in alternating
 * rounds after {@code bench.warmup-rounds} uncounted ones, and the ratio, the price of forwarding: the
 * console's CPU less the engine's (printed apart) and the benchmark's clients'. "Off" switches forwarding
 * off in the running console's listener (a save then writes its history row alone; the settings have no
 * such switch), so both share one warm JVM.</li>
 * </ol>
 * Run: {@code ./mvnw -q test-compile exec:java -Dexec.classpathScope=test
 * -Dexec.mainClass=memberstream.forwarding.MemberImportBenchmark}
 */
public final class MemberImportBenchmark {

    private final ObjectMapper json = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .executor(Executors.newCachedThreadPool(named("bench-http-")))
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final AtomicLong sequence = new AtomicLong();
    private SaveTarget console;
    private ExecutorService clients;

    public static void main(String[] args) {
        BenchmarkConsole.exitAfter(() -> new MemberImportBenchmark().run());
    }

    private void run() throws Exception {
        int rows = Integer.getInteger("bench.rows", 100_000);
        int saves = Integer.getInteger("bench.saves", 3_000);
        int threads = Integer.getInteger("bench.threads", 8);
        String mode = System.getProperty("bench.mode", "processes");
        boolean limits = Boolean.parseBoolean(System.getProperty("bench.throughput-limits", "true"));
        String shards = System.getProperty("bench.shards"); // unset: the console's default; 1,000 records/s a shard
        List<String> arguments = new ArrayList<>();
        if (shards != null) {
            arguments.add("--memberstream.aws.shard-count=" + Integer.parseInt(shards));
        }
        try (SaveTarget started = SaveTarget.start(mode, arguments, limits)) {
            console = started;
            System.out.printf("%nImport benchmark: console up, mode %s, data in %s, %d CPU(s), throughput limits %s,"
                    + " shards %s, load average %.1f%n", console.mode(), console.dataDir(),
                    Runtime.getRuntime().availableProcessors(), limits,
                    shards == null ? "as the console's default" : shards,
                    ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
            if (rows > 0) { // -Dbench.rows=0: the save-cost part alone
                importMembers(rows);
            }
            saveCost(saves, threads);
        }
    }

    private void importMembers(int rows) throws Exception {
        String tag = "imp" + System.currentTimeMillis();
        StringBuilder csv = new StringBuilder("fullName,email,phone,role,status,joinedOn,notes\n");
        for (int i = 0; i < rows; i++) {
            csv.append("Imported Member ").append(i).append(',').append(tag).append('-').append(i)
                    .append("@example.org,+44 20 7946 0").append(i % 1000).append(",MEMBER,ACTIVE,2024-03-01,")
                    .append(i % 10 == 0 ? "\"a note, with a comma\"" : "").append('\n');
        }
        byte[] body = csv.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
        KinesisClient kinesis = console.kinesis();
        String stream = console.kinesisStream();
        Map<String, AtomicInteger> eventIds = new ConcurrentHashMap<>();
        Map<String, AtomicInteger> subjects = new ConcurrentHashMap<>();
        AtomicLong lastSeen = new AtomicLong();
        AtomicBoolean tailing = new AtomicBoolean(true);
        List<Thread> tailers = new ArrayList<>();
        List<Shard> shards = shardsOnceActive(kinesis, stream);
        System.out.printf("stream %s: %d open shard(s)%n", stream, shards.size());
        for (Shard shard : shards) {
            String iterator = kinesis.getShardIterator(r -> r.streamName(stream).shardId(shard.shardId())
                    .shardIteratorType(ShardIteratorType.LATEST)).shardIterator();
            Thread tailer = named("bench-tail-").newThread(
                    () -> tail(kinesis, iterator, tag, eventIds, subjects, lastSeen, tailing));
            tailer.start();
            tailers.add(tailer);
        }
        CpuMeter cpu = new CpuMeter(console.dataDir());
        SaveCostProbe.Sample before = console.sample();
        long start = System.nanoTime();
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(console.uri("/api/members/import"))
                .header("Authorization", console.authorization()).header("Content-Type", "text/csv")
                .timeout(Duration.ofMinutes(10)).POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        long answered = System.nanoTime();
        if (response.statusCode() != 202 && response.statusCode() != 200) {
            throw new IllegalStateException("Import answered " + response.statusCode() + ": " + response.body());
        }
        URI job = console.uri(response.headers().firstValue("Location").orElseThrow());
        JsonNode state;
        do {
            Thread.sleep(500); // each poll is console CPU too: seldom
            state = json.readTree(http.send(HttpRequest.newBuilder(job).header("Authorization", console.authorization())
                    .build(), HttpResponse.BodyHandlers.ofString()).body());
        } while ("RUNNING".equals(state.path("status").asText()));
        long saved = System.nanoTime();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(Integer.getInteger("bench.drain-seconds", 300));
        while (subjects.size() < rows && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        CpuMeter.Used used = cpu.used();
        SaveCostProbe.Sample spent = console.sample().minus(before);
        tailing.set(false);
        for (Thread tailer : tailers) {
            tailer.join(5_000);
        }
        long events = eventIds.values().stream().mapToLong(AtomicInteger::get).sum();
        long duplicatedById = events - eventIds.size();
        long duplicatedByMember = subjects.values().stream().mapToLong(n -> Math.max(0, n.get() - 1)).sum();
        long lost = rows - subjects.size();
        double seconds = (lastSeen.get() - start) / 1e9;
        System.out.printf("%n== Import of %,d members through POST /api/members/import, forwarding to Kinesis ==%n", rows);
        System.out.printf("job: %s, saved %d, skipped %d (%s)%n", state.path("status").asText(),
                state.path("saved").asInt(), state.path("skipped").asInt(), state.path("message").asText());
        System.out.printf("upload + validation answered after %.1f s; all saved after %.1f s; last event readable after %.1f s%n",
                (answered - start) / 1e9, (saved - start) / 1e9, seconds);
        System.out.printf("members/s, upload to last event readable: %.0f (goal >= 2000)%n", rows / seconds);
        System.out.printf("events read: %d; lost: %d; duplicated: %d by event id, %d by member (goal 0 / 0)%n",
                events, lost, duplicatedById, duplicatedByMember);
        System.out.printf("CPU a member: console %.3f ms less the engine's %.3f ms, PostgreSQL %.3f ms, tailers %.3f ms%n",
                spent.console() / 1e6 / rows, spent.engine() / 1e6 / rows, used.postgresMillis() / rows,
                used.clientMillis() / rows);
        System.out.printf("busiest threads of the console (ms): %s%n", spent.busiest(8));
        System.out.printf("load average now: %.1f (other processes share the cores: compare CPU a member)%n",
                ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    }

    /** The stream's shards once the console has created it (on a loaded machine that can take a while). */
    private static List<Shard> shardsOnceActive(KinesisClient kinesis, String stream) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (true) {
            try {
                if (kinesis.describeStreamSummary(r -> r.streamName(stream)).streamDescriptionSummary()
                        .streamStatus() == StreamStatus.ACTIVE) {
                    return kinesis.listShards(r -> r.streamName(stream)).shards();
                }
            } catch (ResourceNotFoundException notYet) {
                if (System.nanoTime() > deadline) {
                    throw notYet;
                }
            }
            Thread.sleep(500);
        }
    }

    private void tail(KinesisClient kinesis, String firstIterator, String tag, Map<String, AtomicInteger> eventIds,
                      Map<String, AtomicInteger> subjects, AtomicLong lastSeen, AtomicBoolean tailing) {
        String iterator = firstIterator;
        while (tailing.get() && iterator != null) {
            String current = iterator;
            GetRecordsResponse response;
            try {
                response = kinesis.getRecords(r -> r.shardIterator(current).limit(10_000));
            } catch (ProvisionedThroughputExceededException throttled) {
                sleep(250);
                continue;
            }
            long now = System.nanoTime();
            for (var record : response.records()) {
                try {
                    JsonNode event = json.readTree(record.data().asByteArray());
                    if (event.path("type").asText().endsWith("member.created") && event.path("data").path("changes")
                            .path("email").path("after").asText().startsWith(tag + "-")) {
                        eventIds.computeIfAbsent(event.path("id").asText(), id -> new AtomicInteger()).incrementAndGet();
                        subjects.computeIfAbsent(event.path("subject").asText(), id -> new AtomicInteger())
                                .incrementAndGet();
                        lastSeen.accumulateAndGet(now, Math::max);
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }
            iterator = response.nextShardIterator();
            sleep(210); // 5 reads a second a shard is Kinesis's limit
        }
    }

    /**
     * CPU of one save with forwarding on and off, in alternating rounds in one warm JVM (so neither side
     * gets the warmer JIT or the quieter moment), after warm-up rounds that alternate the same way: "off"
     * switches forwarding off in its listener, "on" switches it back. Each phase also prints its
     * busiest thread groups, which is where forwarding's price shows (the request threads, the sink's
     * sender, the event log's writer...), and the JVM's own share (garbage collection, JIT).
     */
    private void saveCost(int saves, int threads) throws Exception {
        int rounds = Integer.getInteger("bench.rounds", 3);
        int warmUps = Integer.getInteger("bench.warmup-rounds", 2);
        for (int w = 0; w < warmUps; w++) { // JIT: both paths, not counted
            console.forwarding(true);
            runSaves(saves, threads);
            console.drain();
            console.forwarding(false);
            runSaves(saves / 2, threads);
        }
        int listeners = console.forwarding(false);
        System.out.printf("%n== CPU of one save through POST /api/members (%d saves, %d clients, %d warm-up rounds,"
                + " %d rounds on/off), mode %s ==%n", saves, threads, warmUps, rounds, console.mode());
        // -Dbench.lingers=10ms,0ms (each a linger, the windows off) and -Dbench.windows=10ms,10ms/50ms (each a batch
        // window, after a / a busy window, the linger off): "on" once per setting in each round (the first is the
        // one the ratio uses)
        List<Batching> lingers = new ArrayList<>();
        for (String l : System.getProperty("bench.lingers", "").split(",")) {
            if (!l.isBlank()) {
                lingers.add(new Batching(DurationStyle.detectAndParse(l.trim()), Duration.ZERO, Duration.ZERO));
            }
        }
        for (String w : System.getProperty("bench.windows", "").split(",")) {
            if (!w.isBlank()) {
                lingers.add(Batching.window(w));
            }
        }
        if (lingers.isEmpty()) {
            lingers.add(null); // the console's own settings
        }
        List<double[]> on = new ArrayList<>();
        List<List<double[]>> onOthers = new ArrayList<>();
        for (int l = 1; l < lingers.size(); l++) {
            onOthers.add(new ArrayList<>());
        }
        List<double[]> off = new ArrayList<>();
        List<Double> ratios = new ArrayList<>();
        List<Double> steadyRatios = new ArrayList<>(); // the JIT's compiling fades with time: without it
        for (int round = 1; round <= rounds; round++) {
            // on first in odd rounds, off first in even ones: neither always follows the other
            boolean onFirst = round % 2 == 1;
            for (int half = 0; half < 2; half++) {
                if ((half == 0) == onFirst) {
                    console.forwarding(true);
                    for (int turn = 0; turn < lingers.size(); turn++) {
                        int l = (turn + round - 1) % lingers.size(); // each linger first in turn
                        if (lingers.get(l) != null) {
                            console.batching(lingers.get(l).linger(), lingers.get(l).window(), lingers.get(l).busyWindow());
                        }
                        runSaves(saves / 10, threads); // settle: not counted
                        console.drain();
                        String label = "on  (round " + round
                                + (lingers.get(l) == null ? "" : ", " + lingers.get(l)) + ")";
                        (l == 0 ? on : onOthers.get(l - 1)).add(measureSaves(label, saves, threads, true));
                    }
                } else {
                    console.forwarding(false);
                    runSaves(saves / 10, threads);
                    off.add(measureSaves("off (round " + round + ")", saves, threads, false));
                }
            }
            double[] lastOn = on.get(on.size() - 1);
            double[] lastOff = off.get(off.size() - 1);
            double ratio = lastOn[0] / lastOff[0];
            ratios.add(ratio);
            double steady = (lastOn[0] - lastOn[6]) / (lastOff[0] - lastOff[6]);
            steadyRatios.add(steady);
            System.out.printf("round %d: ratio on/off, console less engine: %.2f; less the JIT too (steady state): %.2f"
                    + " (load average %.1f)%n", round, ratio, steady,
                    ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        }
        double[] onMedian = median(on);
        double[] offMedian = median(off);
        System.out.printf("forwarding on:  console %.3f ms (less the engine's), engine %.3f ms, PostgreSQL %.3f ms,"
                + " of the console's JIT %.3f ms, GC %.3f ms, request threads %.3f ms (median of %d rounds)%n",
                onMedian[0], onMedian[1], onMedian[2], onMedian[6], onMedian[7], onMedian[5], rounds);
        System.out.printf("forwarding off: console %.3f ms (less the engine's), engine %.3f ms, PostgreSQL %.3f ms,"
                + " of the console's JIT %.3f ms, GC %.3f ms, request threads %.3f ms (forwarding switched off in %d listener)%n",
                offMedian[0], offMedian[1], offMedian[2], offMedian[6], offMedian[7], offMedian[5], listeners);
        System.out.printf("of the console's, the live tail's reading of the stream (threads live-consumer, tail-,"
                + " aws-java-sdk-NettyEventLoop): on %.3f ms, off %.3f ms%n", onMedian[3], offMedian[3]);
        for (int l = 1; l < lingers.size(); l++) {
            double[] other = median(onOthers.get(l - 1));
            System.out.printf("forwarding on with %s: console %.3f ms (less the engine's), engine %.3f ms,"
                    + " PostgreSQL %.3f ms; ratio on/off %.2f%n", lingers.get(l), other[0], other[1], other[2],
                    other[0] / offMedian[0]);
        }
        System.out.printf("price of forwarding, mode %s: median of the rounds' ratios on/off, console less engine:"
                + " %.2f (goal <= 1.25), less the JIT too %.2f; ratio of the medians %.2f; console with engine %.2f;"
                + " console less engine and live tail %.2f; load average now %.1f%n", console.mode().split(" ")[0],
                medianOf(ratios), medianOf(steadyRatios),
                onMedian[0] / offMedian[0], (onMedian[0] + onMedian[1]) / (offMedian[0] + offMedian[1]),
                (onMedian[0] - onMedian[3]) / (offMedian[0] - offMedian[3]),
                ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    }

    private static double medianOf(List<Double> values) {
        double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    /** One setting of the Kinesis sink's batching, as {@link KinesisSink#batching} takes it. */
    private record Batching(Duration linger, Duration window, Duration busyWindow) {

        /** A batch window, or a batch window and a busy one: {@code 10ms} or {@code 10ms/50ms}. */
        static Batching window(String text) {
            String[] parts = text.trim().split("/");
            return new Batching(Duration.ZERO, DurationStyle.detectAndParse(parts[0].trim()),
                    parts.length > 1 ? DurationStyle.detectAndParse(parts[1].trim()) : Duration.ZERO);
        }

        @Override
        public String toString() {
            return "linger " + linger.toMillis() + " ms, batch window " + window.toMillis() + " ms, busy window "
                    + busyWindow.toMillis() + " ms";
        }
    }

    private static double[] median(List<double[]> rounds) {
        double[] result = new double[rounds.get(0).length];
        for (int i = 0; i < result.length; i++) {
            int column = i;
            double[] sorted = rounds.stream().mapToDouble(r -> r[column]).sorted().toArray();
            int n = sorted.length;
            result[i] = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
        }
        return result;
    }

    /**
     * Per save, in ms: console less engine, engine, PostgreSQL, the live tail's threads (part of the console's),
     * the JVM's other threads and threads that ended (part of the console's), the request threads, the JIT
     * compilers, garbage collection (each part of the console's).
     */
    private double[] measureSaves(String label, int saves, int threads, boolean forwarding) throws Exception {
        CpuMeter cpu = new CpuMeter(console.dataDir());
        SaveCostProbe.Sample before = console.sample();
        runSaves(saves, threads);
        if (forwarding) {
            console.drain(); // what forwarding does after the commit is part of the save's price
        }
        CpuMeter.Used used = cpu.used();
        SaveCostProbe.Sample spent = console.sample().minus(before);
        double[] result = {spent.console() / 1e6 / saves, spent.engine() / 1e6 / saves, used.postgresMillis() / saves,
                spent.group(MemberImportBenchmark::liveTailThread) / 1e6 / saves, spent.jvmOwn() / 1e6 / saves,
                spent.group(name -> name.startsWith("http-nio-")) / 1e6 / saves,
                spent.group(name -> name.equals("jvm-jit")) / 1e6 / saves,
                spent.group(name -> name.equals("jvm-gc")) / 1e6 / saves};
        System.out.printf("forwarding %s: console %.3f ms a save less the engine's %.3f ms, PostgreSQL %.3f ms;"
                + " of the console's, JIT %.3f ms, garbage collection %.3f ms, other JVM threads and threads that ended"
                + " %.3f ms, request threads %.3f ms; busiest threads (ms): %s%n", label, result[0], result[1],
                result[2], result[6], result[7], result[4], result[5], spent.busiest(12));
        System.out.printf("forwarding %s: Kinesis sender thread %.3f ms a save; %d PutRecords calls, %.2f records a call%n",
                label, spent.group(name -> name.startsWith("sink-kinesis-sender")) / 1e6 / saves, spent.calls(),
                spent.calls() == 0 ? 0.0 : (double) spent.records() / spent.calls());
        return result;
    }

    private static boolean liveTailThread(String name) {
        return name.startsWith("live-consumer") || name.startsWith("tail-") || name.startsWith("aws-java-sdk-NettyEventLoop");
    }

    /** {@code saves} saves from {@code threads} clients, on threads that outlive the phase (their CPU stays theirs). */
    private void runSaves(int saves, int threads) throws Exception {
        if (clients == null) {
            clients = Executors.newFixedThreadPool(threads, named("bench-save-"));
        }
        AtomicInteger left = new AtomicInteger(saves);
        AtomicInteger failed = new AtomicInteger();
        List<java.util.concurrent.Future<?>> running = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            running.add(clients.submit(() -> {
                while (left.getAndDecrement() > 0) {
                    try {
                        create();
                    } catch (Exception e) {
                        failed.incrementAndGet();
                    }
                }
            }));
        }
        for (var client : running) {
            client.get(10, TimeUnit.MINUTES);
        }
        if (failed.get() > 0) {
            System.out.printf("(%d saves failed)%n", failed.get());
        }
    }

    private void create() throws Exception {
        long n = sequence.incrementAndGet();
        String body = """
                {"fullName":"Saved Member %d","email":"save-%d-%d@example.org","role":"MEMBER",
                 "status":"ACTIVE","joinedOn":"2024-01-15"}""".formatted(n, n, System.nanoTime());
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(console.uri("/api/members"))
                .header("Authorization", console.authorization()).header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(30)).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 201) {
            throw new IllegalStateException("POST /api/members answered " + response.statusCode());
        }
    }

    private static java.util.concurrent.ThreadFactory named(String prefix) {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, prefix + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
