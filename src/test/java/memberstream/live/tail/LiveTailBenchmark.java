package memberstream.live.tail;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import memberstream.BenchmarkConsole;
import memberstream.aws.AwsClients;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;

/**
 * The live tail benchmark: a command that prints numbers, not a test. It starts the whole console in
 * this JVM (random ports, a fresh data directory, the engine's per-shard limits ON, as on AWS: the
 * consumer is built to live within 5 GetRecords a second per shard), then
 * <ol>
 * <li>save to screen: {@code bench.rate} members a second are created over HTTP for
 * {@code bench.seconds}; for each, the time from the POST's answer (the commit) to the moment the live
 * feed hands its event to the views; p50/p95/p99/max;</li>
 * <li>catch-up: {@code bench.backlog} records are put into a new 2-shard stream, Settings are pointed
 * at it, and the time until the consumer has read them all gives records per second.</li>
 * </ol>
 * Run: {@code ./mvnw -q test-compile exec:java -Dexec.classpathScope=test
 * -Dexec.mainClass=memberstream.live.tail.LiveTailBenchmark}.
 */
public final class LiveTailBenchmark {

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private BenchmarkConsole console;

    public static void main(String[] args) {
        BenchmarkConsole.exitAfter(() -> new LiveTailBenchmark().run());
    }

    private void run() throws Exception {
        int rate = Integer.getInteger("bench.rate", 20);
        int seconds = Integer.getInteger("bench.seconds", 15);
        int backlog = Integer.getInteger("bench.backlog", 20_000);
        console = BenchmarkConsole.start("live", "--memberstream.live.buffer-size=" + Math.max(500, backlog));
        try {
            LiveFeed feed = console.bean(LiveFeed.class);
            feed.watch(); // as an open live tail does: the consumer reads only while someone watches
            System.out.printf("%nLive tail benchmark: console up, data in %s, %d CPU(s), throughput limits on%n",
                    console.dataDir(), Runtime.getRuntime().availableProcessors());
            awaitReading(feed);
            saveToScreen(feed, rate, seconds);
            catchUp(feed, console.bean(AwsClients.class), backlog);
        } finally {
            console.close();
        }
    }

    private static void awaitReading(LiveFeed feed) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (feed.status().state() != LiveStatus.State.READING && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
    }

    private void saveToScreen(LiveFeed feed, int rate, int seconds) throws Exception {
        Map<String, Long> committed = new ConcurrentHashMap<>();
        Map<String, Long> shown = new ConcurrentHashMap<>();
        Runnable unsubscribe = feed.subscribe(update -> {
            long now = System.nanoTime();
            for (LiveRecord record : update.records()) {
                if (record.member() != null) {
                    shown.putIfAbsent(record.member().split(" ")[0], now);
                }
            }
        });
        ExecutorService clients = Executors.newFixedThreadPool(8);
        ScheduledExecutorService pacer = Executors.newSingleThreadScheduledExecutor();
        long total = (long) rate * seconds;
        AtomicLong issued = new AtomicLong();
        pacer.scheduleAtFixedRate(() -> {
            if (issued.incrementAndGet() <= total) {
                clients.execute(() -> {
                    String email = "bench-" + issued.get() + "-" + System.nanoTime() + "@example.org";
                    try {
                        create(email);
                        committed.put(email, System.nanoTime());
                    } catch (Exception e) {
                        System.err.println("create failed: " + e);
                    }
                });
            }
        }, 0, 1_000_000 / rate, TimeUnit.MICROSECONDS);
        Thread.sleep(seconds * 1_000L + 1_000);
        pacer.shutdownNow();
        clients.shutdown();
        clients.awaitTermination(10, TimeUnit.SECONDS);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!shown.keySet().containsAll(committed.keySet()) && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        unsubscribe.run();

        List<Long> micros = new ArrayList<>();
        committed.forEach((email, at) -> {
            Long seen = shown.get(email);
            if (seen != null) {
                micros.add(Math.max(0, (seen - at) / 1_000));
            }
        });
        micros.sort(Long::compare);
        System.out.printf("%n== Save to live tail: %d members/s for %d s, created over HTTP, seen by the view's feed ==%n",
                rate, seconds);
        System.out.printf("created: %d, seen in the live feed: %d%n", committed.size(), micros.size());
        if (!micros.isEmpty()) {
            System.out.printf("commit -> live feed: p50 %d ms, p95 %d ms, p99 %d ms, max %d ms%n",
                    pct(micros, 50), pct(micros, 95), pct(micros, 99), micros.get(micros.size() - 1) / 1_000);
        }
    }

    private void catchUp(LiveFeed feed, AwsClients aws, int backlog) throws Exception {
        String stream = "bench-backlog";
        aws.kinesis().createStream(r -> r.streamName(stream).shardCount(2));
        while (!"ACTIVE".equals(aws.kinesis().describeStreamSummary(r -> r.streamName(stream))
                .streamDescriptionSummary().streamStatusAsString())) {
            Thread.sleep(100);
        }
        byte[] data = "{\"specversion\":\"1.0\",\"type\":\"io.memberstream.member.updated\",\"subject\":\"1\",\"data\":{}}"
                .getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < backlog; i += 500) {
            List<PutRecordsRequestEntry> entries = new ArrayList<>();
            for (int j = i; j < Math.min(backlog, i + 500); j++) {
                entries.add(PutRecordsRequestEntry.builder().partitionKey("backlog-" + j)
                        .data(SdkBytes.fromByteArray(data)).build());
            }
            var answer = aws.kinesis().putRecords(r -> r.streamName(stream).records(entries));
            if (answer.failedRecordCount() > 0) {
                i -= 500; // throttled: the engine's 1,000 records/s per shard; put the batch again
                Thread.sleep(500);
            }
        }
        AtomicLong read = new AtomicLong();
        Runnable unsubscribe = feed.subscribe(update -> update.records().forEach(r -> {
            if (r.partitionKey().startsWith("backlog-")) {
                read.incrementAndGet();
            }
        }));
        long start = System.nanoTime();
        HttpResponse<String> put = http.send(HttpRequest.newBuilder(console.uri("/api/settings"))
                .header("Authorization", console.authorization()).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString("{\"firehose\":false,\"kinesisStreamName\":\"" + stream
                        + "\",\"firehoseDeliveryStreamName\":\"members-delivery\"}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        if (put.statusCode() != 200) {
            throw new IllegalStateException("PUT /api/settings: " + put.statusCode() + " " + put.body());
        }
        long deadline = start + TimeUnit.SECONDS.toNanos(120);
        while (read.get() < backlog && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        double elapsed = (System.nanoTime() - start) / 1e9;
        unsubscribe.run();
        System.out.printf("%n== Catch-up: %d records waiting in 2 shards, consumer pointed at them ==%n", backlog);
        System.out.printf("read %d of %d in %.2f s (including the switch and shard discovery) = %.0f records/s%n",
                read.get(), backlog, elapsed, read.get() / elapsed);
    }

    private void create(String email) throws Exception {
        String body = "{\"fullName\":\"Bench Member\",\"email\":\"" + email
                + "\",\"role\":\"MEMBER\",\"status\":\"ACTIVE\",\"joinedOn\":\"2024-01-01\"}";
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(console.uri("/api/members"))
                .header("Authorization", console.authorization()).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 201) {
            throw new IllegalStateException(response.statusCode() + " " + response.body());
        }
    }

    private static long pct(List<Long> sortedMicros, int percentile) {
        int index = (int) Math.ceil(percentile / 100.0 * sortedMicros.size()) - 1;
        return sortedMicros.get(Math.max(0, Math.min(index, sortedMicros.size() - 1))) / 1_000;
    }
}
