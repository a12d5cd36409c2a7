package memberstream.forwarding;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
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
import memberstream.aws.AwsClients;
import org.springframework.context.ApplicationListener;
import org.springframework.context.event.ApplicationEventMulticaster;
import org.springframework.context.event.SmartApplicationListener;
import org.springframework.context.event.GenericApplicationListener;
import org.springframework.boot.convert.DurationStyle;
import org.springframework.jdbc.core.JdbcTemplate;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.ProvisionedThroughputExceededException;
import software.amazon.awssdk.services.kinesis.model.ResourceNotFoundException;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;
import software.amazon.awssdk.services.kinesis.model.StreamStatus;

/**
 * The import benchmark (issue #11): a command that prints numbers. One console in this JVM on the
 * embedded defaults (forwarding to Kinesis, the default 4 shards unless {@code -Dbench.shards=N}, the engine's
 * throughput limits on unless {@code -Dbench.throughput-limits=false}), then:
 * <ol>
 * <li>an import of {@code bench.rows} (100,000) members through {@code POST /api/members/import}:
 * members per second from the upload's first byte to the last created event readable in the stream
 * (one tailer a shard reads it as any consumer would, within the read limits), the events lost and
 * duplicated (counted by event id and member), and the CPU each imported member cost;</li>
 * <li>the CPU of one save through {@code POST /api/members} with forwarding on, then off, and their
 * ratio: the console's threads less the engine's (printed apart) and the benchmark's clients.
 * "Off" removes forwarding's listeners from the running console (what a switch in Settings would
 * do; the settings have none yet), so both runs share one warm JVM.</li>
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
    private BenchmarkConsole console;

    public static void main(String[] args) {
        BenchmarkConsole.exitAfter(() -> new MemberImportBenchmark().run());
    }

    private void run() throws Exception {
        int rows = Integer.getInteger("bench.rows", 100_000);
        int saves = Integer.getInteger("bench.saves", 3_000);
        int threads = Integer.getInteger("bench.threads", 8);
        String limits = System.getProperty("bench.throughput-limits", "true");
        String shards = System.getProperty("bench.shards"); // unset: the console's default; 1,000 records/s a shard
        List<String> arguments = new ArrayList<>(List.of("--memberstream.engine.throughput-limits=" + limits));
        if (shards != null) {
            arguments.add("--memberstream.aws.shard-count=" + Integer.parseInt(shards));
        }
        try (BenchmarkConsole started = BenchmarkConsole.start("import", arguments.toArray(String[]::new))) {
            console = started;
            System.out.printf("%nImport benchmark: console up, data in %s, %d CPU(s), throughput limits %s, shards %s,"
                    + " load average %.1f%n", console.dataDir(), Runtime.getRuntime().availableProcessors(), limits,
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
        KinesisClient kinesis = console.bean(AwsClients.class).kinesis();
        String stream = console.bean(SettingsSinkNames.class).get().kinesisStream();
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
        long engineStart = engineCpuNanos();
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
        double engineMillis = (engineCpuNanos() - engineStart) / 1e6;
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
        System.out.printf("CPU a member: console %.3f ms (of it the engine's threads %.3f ms), PostgreSQL %.3f ms, tailers %.3f ms%n",
                used.consoleMillis() / rows, engineMillis / rows, used.postgresMillis() / rows,
                used.clientMillis() / rows);
        System.out.printf("busiest threads (ms): %s%n", cpu.busiestThreads(8));
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
     * gets the warmer JIT or the quieter moment): "off" removes forwarding's listeners, "on" puts the
     * same listener objects back. Each phase also prints its busiest thread groups, which is where
     * forwarding's price shows (the request threads, the sink's sender, the event log's writer...).
     */
    private void saveCost(int saves, int threads) throws Exception {
        int rounds = Integer.getInteger("bench.rounds", 2);
        JdbcTemplate jdbc = console.bean(JdbcTemplate.class);
        ApplicationEventMulticaster multicaster = console.bean(ApplicationEventMulticaster.class);
        runSaves(saves, threads); // warm-up with forwarding, not counted
        drain(jdbc);
        List<ApplicationListener<?>> forwarding = removeForwarding(multicaster);
        runSaves(saves / 3, threads); // warm-up of the shorter path, not counted
        System.out.printf("%n== CPU of one save through POST /api/members (%d saves, %d clients, %d rounds on/off) ==%n",
                saves, threads, rounds);
        // -Dbench.lingers=10ms,0ms: "on" once per linger in each round (the first is the one the ratio uses)
        List<Duration> lingers = new ArrayList<>();
        String lingerList = System.getProperty("bench.lingers", "");
        if (lingerList.isBlank()) {
            lingers.add(null);
        } else {
            for (String l : lingerList.split(",")) {
                lingers.add(DurationStyle.detectAndParse(l.trim()));
            }
        }
        List<double[]> on = new ArrayList<>();
        List<List<double[]>> onOthers = new ArrayList<>();
        for (int l = 1; l < lingers.size(); l++) {
            onOthers.add(new ArrayList<>());
        }
        List<double[]> off = new ArrayList<>();
        for (int round = 1; round <= rounds; round++) {
            forwarding.forEach(multicaster::addApplicationListener);
            for (int turn = 0; turn < lingers.size(); turn++) {
                int l = (turn + round - 1) % lingers.size(); // each linger first in turn: none gets the warmer JIT
                if (lingers.get(l) != null) {
                    console.bean(KinesisSink.class).linger(lingers.get(l));
                }
                runSaves(saves / 10, threads); // settle: not counted
                drain(jdbc);
                String label = "on  (round " + round + (lingers.get(l) == null ? "" : ", linger " + lingers.get(l).toMillis() + " ms") + ")";
                (l == 0 ? on : onOthers.get(l - 1)).add(measureSaves(label, saves, threads, jdbc, true));
            }
            removeForwarding(multicaster);
            runSaves(saves / 10, threads);
            off.add(measureSaves("off (round " + round + ")", saves, threads, jdbc, false));
        }
        double[] onMedian = median(on);
        double[] offMedian = median(off);
        System.out.printf("forwarding on:  console %.3f ms (less the engine's threads), engine %.3f ms, PostgreSQL %.3f ms"
                + " (median of %d rounds)%n", onMedian[0], onMedian[1], onMedian[2], rounds);
        System.out.printf("forwarding off: console %.3f ms (less the engine's threads), engine %.3f ms, PostgreSQL %.3f ms"
                + " (%d forwarding listeners removed)%n", offMedian[0], offMedian[1], offMedian[2], forwarding.size());
        System.out.printf("of the console's, the live tail's reading of the stream (threads live-consumer, tail-,"
                + " aws-java-sdk-NettyEventLoop): on %.3f ms, off %.3f ms%n", onMedian[3], offMedian[3]);
        for (int l = 1; l < lingers.size(); l++) {
            double[] other = median(onOthers.get(l - 1));
            System.out.printf("forwarding on with linger %d ms: console %.3f ms (less the engine's threads), engine %.3f ms,"
                    + " PostgreSQL %.3f ms; ratio on/off %.2f%n", lingers.get(l).toMillis(), other[0], other[1], other[2],
                    other[0] / offMedian[0]);
        }
        System.out.printf("ratio on/off, console less engine: %.2f (goal <= 1.25); console with engine: %.2f;"
                + " console less engine and live tail: %.2f%n",
                onMedian[0] / offMedian[0], (onMedian[0] + onMedian[1]) / (offMedian[0] + offMedian[1]),
                (onMedian[0] - onMedian[3]) / (offMedian[0] - offMedian[3]));
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

    /** Per save: console less engine, engine, PostgreSQL, the live tail's threads (part of the console's). */
    private double[] measureSaves(String label, int saves, int threads, JdbcTemplate jdbc, boolean forwarding)
            throws Exception {
        CpuMeter cpu = new CpuMeter(console.dataDir());
        long engineStart = engineCpuNanos();
        long tailStart = threadCpuNanos(MemberImportBenchmark::liveTailThread);
        long javaThreadsStart = threadCpuNanos(name -> true);
        long senderStart = threadCpuNanos(MemberImportBenchmark::kinesisSender);
        long[] callsStart = console.bean(KinesisSink.class).callsAndRecords();
        runSaves(saves, threads);
        if (forwarding) {
            drain(jdbc); // what forwarding does after the commit is part of the save's price
        }
        CpuMeter.Used used = cpu.used();
        double sender = (threadCpuNanos(MemberImportBenchmark::kinesisSender) - senderStart) / 1e6;
        long[] callsEnd = console.bean(KinesisSink.class).callsAndRecords();
        double engine = (engineCpuNanos() - engineStart) / 1e6;
        double tail = (threadCpuNanos(MemberImportBenchmark::liveTailThread) - tailStart) / 1e6;
        // the process's CPU beyond its Java threads': the JVM's own threads (garbage collector, JIT compilers)
        double jvmOwn = used.consoleMillis() + used.clientMillis() - (threadCpuNanos(name -> true) - javaThreadsStart) / 1e6;
        double[] result = {(used.consoleMillis() - engine) / saves, engine / saves, used.postgresMillis() / saves,
                tail / saves};
        System.out.printf("forwarding %s: console %.3f ms a save less the engine's %.3f ms, PostgreSQL %.3f ms;"
                + " of the console's, garbage collection and JIT %.3f ms; busiest threads (ms): %s%n", label, result[0],
                result[1], result[2], jvmOwn / saves, cpu.busiestThreads(10));
        long calls = callsEnd[0] - callsStart[0];
        System.out.printf("forwarding %s: Kinesis sender thread %.3f ms a save; %d PutRecords calls, %.2f records a call%n",
                label, sender / saves, calls, calls == 0 ? 0.0 : (double) (callsEnd[1] - callsStart[1]) / calls);
        return result;
    }

    private static boolean kinesisSender(String name) {
        return name.startsWith("sink-kinesis-sender");
    }

    private static boolean liveTailThread(String name) {
        return name.startsWith("live-consumer") || name.startsWith("tail-") || name.startsWith("aws-java-sdk-NettyEventLoop");
    }

    private static List<ApplicationListener<?>> removeForwarding(ApplicationEventMulticaster multicaster) {
        List<ApplicationListener<?>> removed = new ArrayList<>();
        multicaster.removeApplicationListeners(listener -> {
            String id = listener instanceof SmartApplicationListener smart ? smart.getListenerId()
                    : listener instanceof GenericApplicationListener generic ? generic.getListenerId() : "";
            // forwarding alone: not MemberHistory's listeners (package forwarding too), whose history row
            // every save writes whether or not its event is forwarded
            boolean forwarding = id.startsWith("memberstream.forwarding.ChangeForwardingListener.");
            if (forwarding) {
                removed.add(listener);
            }
            return forwarding;
        });
        return removed;
    }

    private void drain(JdbcTemplate jdbc) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline) {
            Long open = jdbc.queryForObject("""
                    select count(*) from forwarded_events where status <> 'DELIVERED'""", Long.class);
            if (open != null && open == 0) {
                return;
            }
            Thread.sleep(20);
        }
        throw new IllegalStateException("Forwarding did not drain within 120 s");
    }

    private void runSaves(int saves, int threads) throws Exception {
        AtomicInteger left = new AtomicInteger(saves);
        AtomicInteger failed = new AtomicInteger();
        ExecutorService clients = Executors.newFixedThreadPool(threads, named("bench-save-"));
        for (int t = 0; t < threads; t++) {
            clients.execute(() -> {
                while (left.getAndDecrement() > 0) {
                    try {
                        create();
                    } catch (Exception e) {
                        failed.incrementAndGet();
                    }
                }
            });
        }
        clients.shutdown();
        clients.awaitTermination(10, TimeUnit.MINUTES);
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

    /** CPU of the embedded engine's threads (named engine-...), alive now. */
    private static long engineCpuNanos() {
        return threadCpuNanos(name -> name.startsWith("engine-"));
    }

    /** CPU of the threads alive now whose names pass the test. */
    private static long threadCpuNanos(java.util.function.Predicate<String> named) {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long total = 0;
        for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (info != null && named.test(info.getThreadName())) {
                total += Math.max(0, threads.getThreadCpuTime(info.getThreadId()));
            }
        }
        return total;
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
