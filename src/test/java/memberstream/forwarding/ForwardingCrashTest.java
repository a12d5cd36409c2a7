package memberstream.forwarding;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import memberstream.MemberstreamApplication;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kinesis.KinesisClient;

/**
 * kill -9 while saving: the console runs in a child JVM (its own embedded PostgreSQL and engine on a
 * data directory of its own), a loop creates and updates members through {@code /api/members}, and the
 * child is killed with SIGKILL in the middle. Restarted on the same directory, the console resends
 * what was left incomplete; then every change committed to PostgreSQL has its event in the stream.
 */
class ForwardingCrashTest {

    private static final Pattern ENGINE_PORT = Pattern.compile("Engine listening on http://127\\.0\\.0\\.1:(\\d+)");
    private static final String ADMIN = "admin";
    private static final String PASSWORD = "crash-test-password";

    private final Path dataDir = Path.of("target/test-data/forwarding-crash").toAbsolutePath();
    private final List<Process> children = new ArrayList<>();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();
    private final ObjectMapper json = new ObjectMapper();

    @AfterEach
    void stopChildren() throws InterruptedException {
        for (Process child : children) {
            child.destroy(); // SIGTERM: a clean shutdown also stops the child's PostgreSQL
            if (!child.waitFor(60, TimeUnit.SECONDS)) {
                child.destroyForcibly();
            }
        }
    }

    @Test
    void everyCommittedChangeHasItsEventInTheStreamAfterAKillDashNine() throws Exception {
        deleteRecursively(dataDir);
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

        try (KinesisClient kinesis = kinesis(second.engine())) {
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
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(console.url() + path))
                .timeout(Duration.ofSeconds(30))
                .header("Authorization", "Basic " + Base64.getEncoder()
                        .encodeToString((ADMIN + ":" + PASSWORD).getBytes(StandardCharsets.UTF_8)))
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != expected) {
            throw new IllegalStateException(method + " " + path + " answered " + response.statusCode() + ": "
                    + response.body());
        }
        return json.readTree(response.body());
    }

    private record Console(Process process, String url, URI engine) {
    }

    private Console start(int generation) throws Exception {
        int port;
        try (ServerSocket probe = new ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        Path log = dataDir.resolveSibling("forwarding-crash-child-" + generation + ".log");
        Files.createDirectories(log.getParent()); // run alone, nothing else has made target/test-data yet
        Files.deleteIfExists(log);
        Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
                MemberstreamApplication.class.getName(),
                "--server.port=" + port,
                "--memberstream.engine.port=0",
                "--memberstream.data-dir=" + dataDir,
                "--memberstream.test.fresh-data-dir=false",
                "--memberstream.admin.username=" + ADMIN,
                "--memberstream.admin.password=" + PASSWORD,
                "--memberstream.engine.throughput-limits=false",
                "--memberstream.forwarding.initial-backoff=50ms",
                "--vaadin.launch-browser=false")
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        children.add(process);
        String url = "http://127.0.0.1:" + port;
        Instant deadline = Instant.now().plus(Duration.ofSeconds(240));
        while (Instant.now().isBefore(deadline) && process.isAlive()) {
            Matcher engine = ENGINE_PORT.matcher(Files.exists(log) ? Files.readString(log) : "");
            if (engine.find() && healthy(url)) {
                return new Console(process, url, URI.create("http://127.0.0.1:" + engine.group(1)));
            }
            Thread.sleep(250); // another process is starting; nothing to inject a clock into
        }
        throw new AssertionError("console child " + generation + " did not start; see " + log);
    }

    /** Up and the first admin in place (it is created once the application is ready). */
    private boolean healthy(String url) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create(url + "/api/members?size=1")).timeout(Duration.ofSeconds(5))
                    .header("Authorization", "Basic " + Base64.getEncoder()
                            .encodeToString((ADMIN + ":" + PASSWORD).getBytes(StandardCharsets.UTF_8)))
                    .build(), HttpResponse.BodyHandlers.ofString()).statusCode() == 200;
        } catch (IOException | InterruptedException notYet) {
            return false;
        }
    }

    private static KinesisClient kinesis(URI endpoint) {
        return KinesisClient.builder().endpointOverride(endpoint).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .build();
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }
}
