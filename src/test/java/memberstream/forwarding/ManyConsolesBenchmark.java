package memberstream.forwarding;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import memberstream.BenchmarkConsole;
import memberstream.engine.EngineApplication;
import memberstream.engine.EngineServer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Saves per second through {@code POST /api/members} with one, two and three consoles on one
 * PostgreSQL server (embedded, run here as a shared server) sending to one engine run alone: a command
 * that prints numbers, not a test. The consoles and the engine run in this JVM (each console its own
 * Spring context on its own port, as separate machines would run them), the clients spread their saves
 * over the consoles in turn. For each count: a warm-up, then {@code bench.seconds} of load from
 * {@code bench.threads} clients, saves per second and the process CPU per save, then the time until
 * every event is delivered.
 *
 * <p>Run: {@code ./mvnw -q test-compile exec:java -Dexec.classpathScope=test
 * -Dexec.mainClass=memberstream.forwarding.ManyConsolesBenchmark}. On one machine the consoles share
 * its cores, so more consoles cannot mean more saves here; the figures show what the claims and the
 * cross-console order cost, and the CPU per save is what carries to bigger machines.
 */
public final class ManyConsolesBenchmark {

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .executor(Executors.newCachedThreadPool(named("bench-http-")))
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final AtomicLong sequence = new AtomicLong();

    public static void main(String[] args) {
        BenchmarkConsole.exitAfter(() -> new ManyConsolesBenchmark().run());
    }

    private void run() throws Exception {
        int threads = Integer.getInteger("bench.threads", 32);
        int seconds = Integer.getInteger("bench.seconds", 20);
        int warmUpSeconds = Integer.getInteger("bench.warmup-seconds", 10);
        Path dir = Files.createDirectories(Path.of("target/bench/many-consoles-" + System.currentTimeMillis())
                .toAbsolutePath()); // CpuMeter finds the server by this path on its command line
        try (EmbeddedPostgres postgres = EmbeddedPostgres.builder().setDataDirectory(dir.resolve("postgres"))
                .setCleanDataDirectory(true).setServerConfig("synchronous_commit", "on")
                .setServerConfig("fsync", "on").setServerConfig("max_connections", "200").start();
             ConfigurableApplicationContext engine = EngineApplication.run(new String[] {
                     "--spring.profiles.active=engine", "--memberstream.engine.port=0",
                     "--memberstream.engine.throughput-limits=false", "--logging.level.root=WARN",
                     "--memberstream.data-dir=" + dir.resolve("engine")})) {
            String endpoint = "http://127.0.0.1:" + engine.getBean(EngineServer.class).port();
            var jdbc = new JdbcTemplate(postgres.getPostgresDatabase());
            System.out.printf("%d clients, %d s warm-up, %d s measured per console count%n", threads, warmUpSeconds,
                    seconds);
            for (int count = 1; count <= 3; count++) {
                List<BenchmarkConsole> consoles = new ArrayList<>();
                try {
                    for (int i = 1; i <= count; i++) {
                        consoles.add(BenchmarkConsole.start("many-consoles-" + i,
                                "--spring.datasource.url=" + postgres.getJdbcUrl("postgres", "postgres"),
                                "--spring.datasource.username=postgres", "--spring.datasource.password=postgres",
                                "--memberstream.aws.mode=endpoint", "--memberstream.aws.endpoint=" + endpoint,
                                "--memberstream.aws.shard-count=4", "--memberstream.instance-id=bench-" + i,
                                "--memberstream.live.consumer-enabled=false"));
                    }
                    load(consoles, threads, warmUpSeconds);
                    CpuMeter cpu = new CpuMeter(dir.resolve("postgres"));
                    long saves = load(consoles, threads, seconds);
                    CpuMeter.Used used = cpu.used();
                    long drainStarted = System.nanoTime();
                    while (jdbc.queryForObject("select count(*) from forwarded_events where status <> 'DELIVERED'",
                            Long.class) > 0
                            && System.nanoTime() - drainStarted < TimeUnit.SECONDS.toNanos(120)) {
                        Thread.sleep(50); // the consoles deliver on their own threads
                    }
                    System.out.printf("%d console(s): %.0f saves/s; CPU a save: consoles and engine %.2f ms (this JVM"
                                    + " less the benchmark's client threads), PostgreSQL %.2f ms, clients %.2f ms;"
                                    + " drained in %d ms%n", count, saves / (double) seconds,
                            used.consoleMillis() / saves, used.postgresMillis() / saves, used.clientMillis() / saves,
                            (System.nanoTime() - drainStarted) / 1_000_000);
                } finally {
                    consoles.forEach(BenchmarkConsole::close);
                }
            }
        }
    }

    /** {@code threads} clients save new members for {@code seconds}, each save to the next console in turn. */
    private long load(List<BenchmarkConsole> consoles, int threads, int seconds) throws Exception {
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicLong saves = new AtomicLong();
        ExecutorService clients = Executors.newFixedThreadPool(threads, named("bench-client-"));
        for (int t = 0; t < threads; t++) {
            clients.execute(() -> {
                while (running.get()) {
                    long n = sequence.incrementAndGet();
                    BenchmarkConsole console = consoles.get((int) (n % consoles.size()));
                    try {
                        HttpResponse<Void> response = http.send(HttpRequest.newBuilder(console.uri("/api/members"))
                                .timeout(Duration.ofSeconds(30))
                                .header("Authorization", console.authorization())
                                .header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString("""
                                        {"fullName":"Bench %d","email":"many-%d@example.org","role":"MEMBER","status":"ACTIVE","joinedOn":"2024-01-15"}"""
                                        .formatted(n, n))).build(), HttpResponse.BodyHandlers.discarding());
                        if (response.statusCode() == 201) {
                            saves.incrementAndGet();
                        }
                    } catch (Exception e) {
                        // counted as not saved
                    }
                }
            });
        }
        Thread.sleep(TimeUnit.SECONDS.toMillis(seconds)); // the load runs in real time
        running.set(false);
        clients.shutdown();
        clients.awaitTermination(60, TimeUnit.SECONDS);
        return saves.get();
    }

    /** Client threads are named {@code bench-}, so {@link CpuMeter} counts them apart from the consoles. */
    private static ThreadFactory named(String prefix) {
        AtomicLong count = new AtomicLong();
        return runnable -> {
            Thread thread = new Thread(runnable, prefix + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
