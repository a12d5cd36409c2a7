package memberstream.forwarding;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import memberstream.BenchmarkConsole;
import memberstream.aws.AwsClients;
import org.springframework.jdbc.core.JdbcTemplate;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;

/**
 * The forwarding benchmark: a command that prints numbers, not a test. It starts the whole console
 * (embedded PostgreSQL, the engine, forwarding on) in this JVM on random ports and a fresh data
 * directory, then over HTTP:
 * <ol>
 * <li>sustained saves: {@code bench.threads} clients POST {@code /api/members} for {@code bench.seconds};
 * saves per second, then the time to drain, then every created member's event is looked up in the
 * Kinesis stream (lost and duplicated events are counted);</li>
 * <li>latency: {@code bench.rate} saves per second for {@code bench.latency-seconds}, while a consumer
 * tails every shard; save-to-readable p50/p99 per event, and where that time went (before the sink
 * call, the call, after it). With {@code -Dbench.change=update} each tick creates a member and at once
 * updates it, and the update is timed: the path of a member changed twice in quick succession, whose
 * second event may wait for its first ({@link SendOrder}).</li>
 * </ol>
 * Run: {@code ./mvnw -q test-compile exec:java -Dexec.classpathScope=test
 * -Dexec.mainClass=memberstream.forwarding.ForwardingBenchmark}. The engine's per-shard throughput
 * limits are off so that the consumer can poll as fast as it likes (5 reads/s/shard would dominate the
 * latency); the stream has 4 shards.
 */
public final class ForwardingBenchmark {

    /**
     * How long a tailer waits after an empty GetRecords. Each wait adds up to this much to a record's
     * measured latency (half on average); shorter waits make the four tailers themselves a CPU load that
     * slows the saves being measured.
     */
    private static final long TAIL_IDLE_MILLIS = 5;

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .executor(Executors.newCachedThreadPool(clientThreads("bench-http-")))
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final ObjectMapper json = new ObjectMapper();
    private String authorization;
    private final AtomicLong sequence = new AtomicLong();
    private URI members;

    public static void main(String[] args) {
        BenchmarkConsole.exitAfter(() -> new ForwardingBenchmark().run());
    }

    private void run() throws Exception {
        int threads = Integer.getInteger("bench.threads", 32);
        int seconds = Integer.getInteger("bench.seconds", 20);
        int rate = Integer.getInteger("bench.rate", 100);
        int latencySeconds = Integer.getInteger("bench.latency-seconds", 15);
        int warmUpSeconds = Integer.getInteger("bench.warmup-seconds", 15);

        try (BenchmarkConsole console = BenchmarkConsole.start("forwarding",
                "--memberstream.engine.throughput-limits=false",
                "--memberstream.aws.shard-count=4",
                "--server.tomcat.threads.max=" + Integer.getInteger("bench.server-threads", 64))) {
            members = console.uri("/api/members");
            authorization = console.authorization();
            Path dataDir = console.dataDir();
            JdbcTemplate jdbc = console.bean(JdbcTemplate.class);
            AwsClients aws = console.bean(AwsClients.class);
            String stream = console.bean(SettingsSinkNames.class).get().kinesisStream();
            System.out.printf("%nForwarding benchmark: console up, data in %s, %d CPU(s)%n", dataDir,
                    Runtime.getRuntime().availableProcessors());

            warmUp(threads, warmUpSeconds);
            sustained(threads, seconds, jdbc, aws.kinesis(), stream, dataDir);
            long waitsBefore = console.bean(SendOrder.class).waits();
            latency(rate, latencySeconds, aws.kinesis(), stream, "update".equals(System.getProperty("bench.change")));
            System.out.printf("events that waited for an earlier event of their member: %d%n",
                    console.bean(SendOrder.class).waits() - waitsBefore);
        }
    }

    /**
     * The same load as the measured run, not counted: until the JIT has compiled the hot paths, its
     * compiler threads take a quarter of the two cores and the numbers describe a cold JVM.
     */
    private void warmUp(int threads, int seconds) throws Exception {
        System.out.printf("warming up: %d clients for %d s (not counted)%n", threads, seconds);
        AtomicBoolean running = new AtomicBoolean(true);
        ExecutorService clients = Executors.newFixedThreadPool(threads, clientThreads("bench-warmup-"));
        for (int t = 0; t < threads; t++) {
            clients.execute(() -> {
                while (running.get()) {
                    try {
                        create();
                    } catch (Exception e) {
                        // the measured run counts failures
                    }
                }
            });
        }
        Thread.sleep(seconds * 1_000L);
        running.set(false);
        clients.shutdown();
        clients.awaitTermination(30, TimeUnit.SECONDS);
    }

    private static java.util.concurrent.ThreadFactory clientThreads(String prefix) {
        AtomicLong count = new AtomicLong();
        return runnable -> new Thread(runnable, prefix + count.incrementAndGet());
    }

    private void sustained(int threads, int seconds, JdbcTemplate jdbc, KinesisClient kinesis, String stream,
                           Path dataDir) throws Exception {
        CpuMeter cpu = new CpuMeter(dataDir.resolve("postgres"));
        ConcurrentLinkedQueue<Long> created = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<Long> saveMicros = new ConcurrentLinkedQueue<>();
        AtomicLong failures = new AtomicLong();
        AtomicBoolean running = new AtomicBoolean(true);
        ExecutorService clients = Executors.newFixedThreadPool(threads, clientThreads("bench-client-"));
        long start = System.nanoTime();
        for (int t = 0; t < threads; t++) {
            clients.execute(() -> {
                while (running.get()) {
                    long begin = System.nanoTime();
                    try {
                        created.add(create());
                        saveMicros.add((System.nanoTime() - begin) / 1_000);
                    } catch (Exception e) {
                        failures.incrementAndGet();
                    }
                }
            });
        }
        Thread.sleep(seconds * 1_000L);
        running.set(false);
        clients.shutdown();
        clients.awaitTermination(30, TimeUnit.SECONDS);
        double elapsed = (System.nanoTime() - start) / 1e9;
        CpuMeter.Used used = cpu.used();
        long stopped = System.nanoTime();

        long undelivered = 0;
        while (System.nanoTime() - stopped < TimeUnit.SECONDS.toNanos(180)) {
            undelivered = jdbc.queryForObject("select count(*) from forwarded_events where status <> 'DELIVERED'",
                    Long.class);
            if (undelivered == 0) { // the event log is the only outbox
                break;
            }
            Thread.sleep(50);
        }
        double drain = (System.nanoTime() - stopped) / 1e9;

        Map<String, Integer> createdEventsInStream = new HashMap<>();
        for (var record : new KinesisStreamReader(kinesis, json).readAll(stream)) {
            if (record.type().equals("io.memberstream.member.created")) {
                createdEventsInStream.merge(record.event().path("subject").asText(), 1, Integer::sum);
            }
        }
        long lost = created.stream().filter(id -> !createdEventsInStream.containsKey(id.toString())).count();
        long duplicated = created.stream().filter(id -> createdEventsInStream.getOrDefault(id.toString(), 0) > 1)
                .count();

        System.out.printf("%n== Sustained saves through POST /api/members, forwarding to Kinesis on ==%n");
        System.out.printf("clients: %d, duration: %.1f s%n", threads, elapsed);
        System.out.printf("saves: %d committed (%d failed requests) = %.0f saves/s%n", created.size(),
                failures.get(), created.size() / elapsed);
        System.out.printf("save latency: p50 %.1f ms, p99 %.1f ms%n", percentile(saveMicros, 50) / 1e3,
                percentile(saveMicros, 99) / 1e3);
        System.out.printf("CPU per save: console %.2f ms (the JVM less the benchmark's own client threads), "
                        + "PostgreSQL %.2f ms; cores busy: console %.2f, PostgreSQL %.2f, benchmark clients %.2f; "
                        + "load average %.2f%n",
                used.consoleMillis() / created.size(), used.postgresMillis() / created.size(),
                used.consoleMillis() / 1e3 / elapsed, used.postgresMillis() / 1e3 / elapsed,
                used.clientMillis() / 1e3 / elapsed,
                java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        System.out.printf("busiest threads (CPU ms): %s%n", cpu.busiestThreads(12));
        System.out.printf("drained %.1f s after the load stopped; undelivered left: %d%n",
                drain, undelivered);
        System.out.printf("events in the stream for the %d created members: lost %d, duplicated %d%n",
                created.size(), lost, duplicated);
    }

    /**
     * @param updates measure updates instead: each tick creates a member, then at once updates it, and the
     *                update's event is timed (it may have to wait for the create's: {@link SendOrder})
     */
    private void latency(int rate, int seconds, KinesisClient kinesis, String stream, boolean updates)
            throws Exception {
        Map<String, Long> seen = new ConcurrentHashMap<>();
        Map<String, String> eventIds = new ConcurrentHashMap<>();
        SendTraceRecorder calls = new SendTraceRecorder();
        AtomicBoolean tailing = new AtomicBoolean(true);
        List<Thread> tailers = new ArrayList<>();
        for (Shard shard : kinesis.listShards(r -> r.streamName(stream)).shards()) {
            String iterator = kinesis.getShardIterator(r -> r.streamName(stream).shardId(shard.shardId())
                    .shardIteratorType(ShardIteratorType.LATEST)).shardIterator();
            Thread tailer = new Thread(() -> tail(kinesis, iterator, seen, eventIds, tailing), "tail-" + shard.shardId());
            tailer.start();
            tailers.add(tailer);
        }

        Map<String, Long> sent = new ConcurrentHashMap<>();
        Map<String, Long> returned = new ConcurrentHashMap<>();
        ExecutorService clients = Executors.newFixedThreadPool(16);
        ScheduledExecutorService pacer = Executors.newSingleThreadScheduledExecutor();
        long total = (long) rate * seconds;
        AtomicLong issued = new AtomicLong();
        pacer.scheduleAtFixedRate(() -> {
            if (issued.incrementAndGet() > total) {
                return;
            }
            clients.execute(() -> {
                long begin = System.nanoTime();
                try {
                    long id;
                    if (updates) {
                        JsonNode created = createMember();
                        begin = System.nanoTime();
                        id = update(created);
                    } else {
                        id = create();
                    }
                    long end = System.nanoTime();
                    String key = id + (updates ? "/u" : "");
                    sent.put(key, begin);
                    returned.put(key, end);
                } catch (Exception e) {
                    // counted below as a missing save
                }
            });
        }, 0, 1_000_000L / rate, TimeUnit.MICROSECONDS);
        Thread.sleep(seconds * 1_000L + 500);
        pacer.shutdown();
        clients.shutdown();
        clients.awaitTermination(30, TimeUnit.SECONDS);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!seen.keySet().containsAll(returned.keySet()) && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        tailing.set(false);
        for (Thread tailer : tailers) {
            tailer.join(5_000);
        }
        calls.close();

        List<Long> fromResponse = new ArrayList<>();
        List<Long> fromRequest = new ArrayList<>();
        long missing = 0;
        for (var saved : returned.entrySet()) {
            Long at = seen.get(saved.getKey());
            if (at == null) {
                missing++;
                continue;
            }
            fromResponse.add(Math.max(0, at - saved.getValue()) / 1_000);
            fromRequest.add((at - sent.get(saved.getKey())) / 1_000);
        }
        System.out.printf("%n== Save -> record readable in Kinesis, %d %s/s for %d s, %d consumer threads ==%n",
                rate, updates ? "updates (each right after its member's create)" : "saves", seconds, tailers.size());
        System.out.printf("saves: %d, records seen: %d, not seen: %d%n", returned.size(), fromResponse.size(),
                missing);
        System.out.printf("from the save's response:  p50 %.1f ms, p99 %.1f ms, max %.1f ms%n",
                percentile(fromResponse, 50) / 1e3, percentile(fromResponse, 99) / 1e3,
                percentile(fromResponse, 100) / 1e3);
        System.out.printf("from the save's request:   p50 %.1f ms, p99 %.1f ms, max %.1f ms%n",
                percentile(fromRequest, 50) / 1e3, percentile(fromRequest, 99) / 1e3,
                percentile(fromRequest, 100) / 1e3);
        printSplit(returned, seen, eventIds, calls);
    }

    /**
     * Where the time from the save's response to the record's reading went, per event: before the sink
     * call that carried it started (negative when the call started before the client had the response),
     * the call (PutRecords, until the engine acknowledged), and after it (the consumer's next read).
     * Percentiles of each part over all events, then the parts' medians over the slowest 1 %.
     */
    private static void printSplit(Map<String, Long> returned, Map<String, Long> seen, Map<String, String> eventIds,
                                   SendTraceRecorder calls) {
        List<long[]> parts = new ArrayList<>();
        for (var saved : returned.entrySet()) {
            Long at = seen.get(saved.getKey());
            String eventId = eventIds.get(saved.getKey());
            Long started = eventId == null ? null : calls.started(eventId);
            Long ended = eventId == null ? null : calls.ended(eventId);
            if (at == null || started == null || ended == null) {
                continue;
            }
            long response = saved.getValue();
            parts.add(new long[] {(at - response) / 1_000, (started - response) / 1_000, (ended - started) / 1_000,
                    (at - ended) / 1_000});
        }
        if (parts.isEmpty()) {
            System.out.println("split: no send calls traced");
            return;
        }
        String[] names = {"response -> read", "response -> call start", "call", "call end -> read"};
        System.out.printf("split of %d events (ms)            p50     p90     p99     max%n", parts.size());
        for (int part = 0; part < names.length; part++) {
            int p = part;
            List<Long> values = parts.stream().map(v -> v[p]).toList();
            System.out.printf("  %-26s %7.1f %7.1f %7.1f %7.1f%n", names[part], percentile(values, 50) / 1e3,
                    percentile(values, 90) / 1e3, percentile(values, 99) / 1e3, percentile(values, 100) / 1e3);
        }
        parts.sort((a, b) -> Long.compare(b[0], a[0]));
        List<long[]> slowest = parts.subList(0, Math.max(1, parts.size() / 100));
        StringBuilder line = new StringBuilder("  slowest 1 % (" + slowest.size() + "), medians:");
        for (int part = 0; part < names.length; part++) {
            int p = part;
            line.append(String.format(" %s %.1f;", names[part],
                    percentile(slowest.stream().map(v -> v[p]).toList(), 50) / 1e3));
        }
        System.out.println(line);
    }

    private void tail(KinesisClient kinesis, String firstIterator, Map<String, Long> seen,
                      Map<String, String> eventIds, AtomicBoolean tailing) {
        String iterator = firstIterator;
        while (tailing.get() && iterator != null) {
            String current = iterator;
            GetRecordsResponse response = kinesis.getRecords(r -> r.shardIterator(current));
            long now = System.nanoTime();
            for (var record : response.records()) {
                try {
                    JsonNode event = json.readTree(record.data().asByteArray());
                    // A create is keyed by its member's id; an update (the updates' latency run) by id + "/u".
                    String key = event.path("subject").asText()
                            + (event.path("type").asText().endsWith(".updated") ? "/u" : "");
                    seen.putIfAbsent(key, now);
                    eventIds.putIfAbsent(key, event.path("id").asText());
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }
            iterator = response.nextShardIterator();
            if (response.records().isEmpty()) {
                try {
                    Thread.sleep(TAIL_IDLE_MILLIS);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }

    /** Creates one member; returns its id. */
    private long create() throws Exception {
        return createMember().path("id").asLong();
    }

    /** Creates one member; returns the answer (id, version and the fields). */
    private JsonNode createMember() throws Exception {
        long n = sequence.incrementAndGet();
        String body = """
                {"fullName":"Bench Member %d","email":"bench-%d-%d@example.org","role":"MEMBER",
                 "status":"ACTIVE","joinedOn":"2024-01-15"}""".formatted(n, n, System.nanoTime());
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(members)
                .header("Authorization", authorization)
                .header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 201) {
            throw new IllegalStateException("POST /api/members answered " + response.statusCode() + ": "
                    + response.body());
        }
        return json.readTree(response.body());
    }

    /** Renames a member just created (with the version it was created with); returns its id. */
    private long update(JsonNode member) throws Exception {
        long id = member.path("id").asLong();
        var body = (com.fasterxml.jackson.databind.node.ObjectNode) member.deepCopy();
        body.put("fullName", member.path("fullName").asText() + " Renamed");
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(members.resolve("/api/members/" + id))
                .header("Authorization", authorization)
                .header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(30))
                .PUT(HttpRequest.BodyPublishers.ofString(json.writeValueAsString(body))).build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException("PUT /api/members/" + id + " answered " + response.statusCode() + ": "
                    + response.body());
        }
        return id;
    }

    private static double percentile(java.util.Collection<Long> values, int p) {
        if (values.isEmpty()) {
            return Double.NaN;
        }
        long[] sorted = values.stream().mapToLong(Long::longValue).toArray();
        Arrays.sort(sorted);
        int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }
}
