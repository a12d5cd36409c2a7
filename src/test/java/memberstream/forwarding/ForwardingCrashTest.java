package memberstream.forwarding;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.kinesis.KinesisClient;

/**
 * kill -9 while saving: the console runs in a child JVM (its own embedded PostgreSQL and engine on a
 * data directory of its own), a loop creates and updates members through {@code /api/members}, and the
 * child is killed with SIGKILL in the middle. Restarted on the same directory, the console resends
 * what was left incomplete; then every change committed to PostgreSQL has its event in the stream.
 */
class ForwardingCrashTest {

    private final Path dataDir = Path.of("target/test-data/forwarding-crash").toAbsolutePath();
    private final ChildConsoles children = new ChildConsoles("admin", "crash-test-password");
    private final ObjectMapper json = children.json();

    @AfterEach
    void stopChildren() throws InterruptedException {
        children.close();
    }

    @Test
    void everyCommittedChangeHasItsEventInTheStreamAfterAKillDashNine() throws Exception {
        ChildConsoles.deleteRecursively(dataDir);
        Console first = start(1);

        AtomicBoolean saving = new AtomicBoolean(true);
        AtomicInteger acknowledged = new AtomicInteger();
        ExecutorService loop = Executors.newFixedThreadPool(4);
        for (int t = 0; t < 4; t++) {
            int thread = t;
            loop.execute(() -> saveUntilStopped(first, thread, saving, acknowledged));
        }
        Instant deadline = Instant.now().plus(Duration.ofSeconds(120));
        while (acknowledged.get() < 150 && Instant.now().isBefore(deadline)) {
            Thread.sleep(10); // the loop runs in real time against another process
        }
        first.process().destroyForcibly(); // SIGKILL, mid-save: no shutdown hook, nothing flushed
        assertThat(first.process().waitFor(30, TimeUnit.SECONDS)).isTrue();
        saving.set(false);
        loop.shutdown();
        assertThat(loop.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
        assertThat(acknowledged.get()).as("saves acknowledged before the kill").isGreaterThanOrEqualTo(150);

        Console second = start(2);
        Set<String> committed = committedChanges(second);
        assertThat(committed.size()).isGreaterThanOrEqualTo(acknowledged.get());

        try (KinesisClient kinesis = ChildConsoles.kinesis(second.engine())) {
            var reader = new KinesisStreamReader(kinesis, json);
            Map<String, Set<String>> idsByChange = new HashMap<>();
            Instant until = Instant.now().plus(Duration.ofSeconds(90));
            do {
                idsByChange.clear();
                for (var record : reader.readAll("members")) {
                    JsonNode data = record.event().path("data");
                    idsByChange.computeIfAbsent(record.event().path("subject").asText() + "@v"
                            + data.path("version").asLong(), k -> new HashSet<>()).add(record.id());
                }
                if (idsByChange.keySet().containsAll(committed)) {
                    break;
                }
                Thread.sleep(200); // the restarted child resends on its own time
            } while (Instant.now().isBefore(until));

            Set<String> missing = new HashSet<>(committed);
            missing.removeAll(idsByChange.keySet());
            assertThat(missing).as("committed changes without an event in the stream").isEmpty();
            assertThat(idsByChange).as("a change sent twice is sent with the same event id")
                    .allSatisfy((change, ids) -> assertThat(ids).hasSize(1));
        }
    }

    /** Creates members and updates each once, until stopped or the console is gone. */
    private void saveUntilStopped(Console console, int thread, AtomicBoolean saving, AtomicInteger acknowledged) {
        int n = 0;
        while (saving.get()) {
            try {
                n++;
                String email = "crash-" + thread + "-" + n + "@example.org";
                JsonNode created = send(console, "POST", "/api/members", """
                        {"fullName":"Crash %d %d","email":"%s","role":"MEMBER","status":"ACTIVE","joinedOn":"2024-01-15"}"""
                        .formatted(thread, n, email), 201);
                acknowledged.incrementAndGet();
                send(console, "PUT", "/api/members/" + created.path("id").asLong(), """
                        {"fullName":"Crash %d %d updated","email":"%s","role":"STAFF","status":"ACTIVE","joinedOn":"2024-01-15","version":%d}"""
                        .formatted(thread, n, email, created.path("version").asLong()), 200);
                acknowledged.incrementAndGet();
            } catch (Exception consoleGone) {
                if (saving.get()) {
                    System.err.println("save loop " + thread + " stopped: " + consoleGone);
                }
                return;
            }
        }
    }

    /** Every committed change as {@code <member id>@v<version>}: versions 0 (created) up to the stored one. */
    private Set<String> committedChanges(Console console) throws Exception {
        Set<String> changes = new HashSet<>();
        for (int page = 0; ; page++) {
            JsonNode answer = send(console, "GET", "/api/members?size=100&page=" + page, null, 200);
            for (JsonNode member : answer.path("content")) {
                for (long v = 0; v <= member.path("version").asLong(); v++) {
                    changes.add(member.path("id").asLong() + "@v" + v);
                }
            }
            if (page + 1 >= answer.path("totalPages").asInt()) {
                return changes;
            }
        }
    }

    private JsonNode send(Console console, String method, String path, String body, int expected) throws Exception {
        return children.send(console.url(), method, path, body, expected);
    }

    private record Console(Process process, String url, URI engine) {
    }

    private Console start(int generation) throws Exception {
        int port = ChildConsoles.freePort();
        Path log = dataDir.resolveSibling("forwarding-crash-child-" + generation + ".log");
        Process process = children.start(log, "512m",
                "--server.port=" + port,
                "--memberstream.engine.port=0",
                "--memberstream.data-dir=" + dataDir,
                "--memberstream.test.fresh-data-dir=false",
                "--memberstream.engine.throughput-limits=false",
                "--memberstream.forwarding.initial-backoff=50ms");
        String url = "http://127.0.0.1:" + port;
        URI engine = children.awaitEngine(process, log, Duration.ofSeconds(240));
        children.awaitHealthy(url, process, log, Duration.ofSeconds(240));
        return new Console(process, url, engine);
    }
}
