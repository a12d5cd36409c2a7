package memberstream.forwarding;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.kinesis.KinesisClient;

/**
 * Three consoles on one PostgreSQL server (embedded PostgreSQL, run by this test as a shared server)
 * and one engine run alone (profile {@code engine}), each in a child JVM. Clients update the same
 * members through all three at once; console 2 is killed with SIGKILL mid-load and restarted. Then
 * every committed change has its event in the stream, each member's events are in version order, a
 * resent event keeps its id, and no event was in a send call of two consoles at once (each console
 * logs its send calls: {@code memberstream.forwarding.SendTrace} at DEBUG). Last, a settings switch
 * on one console routes the next event of every console to Firehose.
 */
class ManyConsolesTest {

    private static final Pattern SEND_TRACE = Pattern.compile("send-(start|end) (\\d+) ([0-9a-f,-]+)");
    private static final int MEMBERS = 12;

    private final Path dir = Path.of("target/test-data/many-consoles").toAbsolutePath();
    private final ChildConsoles children = new ChildConsoles("admin", "many-consoles-password");
    private final ObjectMapper json = children.json();
    private EmbeddedPostgres postgres;
    private URI engine;

    private record Console(String id, int port, Process process, Path log) {
        String url() {
            return "http://127.0.0.1:" + port;
        }
    }

    @AfterEach
    void stop() throws Exception {
        children.close();
        if (postgres != null) {
            postgres.close();
        }
    }

    @Test
    void threeConsolesSendEachEventOnceAtATimeInOrderPerMember() throws Exception {
        ChildConsoles.deleteRecursively(dir);
        Files.createDirectories(dir);
        postgres = EmbeddedPostgres.builder().setDataDirectory(dir.resolve("postgres")).setCleanDataDirectory(true)
                .setRegisterShutdownHook(true).start();
        engine = startEngine();

        Console one = startConsole("console-1", ChildConsoles.freePort(), 1);
        waitHealthy(one);
        List<Console> consoles = new ArrayList<>(List.of(one, startConsole("console-2", ChildConsoles.freePort(), 1),
                startConsole("console-3", ChildConsoles.freePort(), 1)));
        waitHealthy(consoles.get(1));
        waitHealthy(consoles.get(2));

        List<Long> members = new ArrayList<>();
        for (int i = 0; i < MEMBERS; i++) {
            members.add(send(consoles.get(i % 3).url(), "POST", "/api/members", """
                    {"fullName":"Shared %d","email":"shared-%d@example.org","role":"MEMBER","status":"ACTIVE","joinedOn":"2024-01-15"}"""
                    .formatted(i, i), 201).path("id").asLong());
        }

        AtomicBoolean saving = new AtomicBoolean(true);
        AtomicInteger acknowledged = new AtomicInteger();
        Set<Integer> down = ConcurrentHashMap.newKeySet();
        List<Console> live = new java.util.concurrent.CopyOnWriteArrayList<>(consoles);
        ExecutorService loop = Executors.newFixedThreadPool(6);
        for (int t = 0; t < 6; t++) {
            int thread = t;
            loop.execute(() -> updateUntilStopped(live, members, thread, saving, acknowledged, down));
        }
        awaitCount(acknowledged, 120);
        Console killed = live.get(1);
        killed.process().destroyForcibly(); // SIGKILL mid-load: claims held, sends in flight
        assertThat(killed.process().waitFor(30, TimeUnit.SECONDS)).isTrue();
        long killedAt = System.currentTimeMillis();
        down.add(1);
        awaitCount(acknowledged, 220);
        Console restarted = startConsole("console-2", killed.port(), 2);
        waitHealthy(restarted);
        live.set(1, restarted);
        down.remove(1);
        awaitCount(acknowledged, 280);
        saving.set(false);
        loop.shutdown();
        assertThat(loop.awaitTermination(60, TimeUnit.SECONDS)).isTrue();

        Set<String> committed = committedChanges(members);
        awaitAllDelivered(Duration.ofSeconds(120));

        try (KinesisClient kinesis = ChildConsoles.kinesis(engine)) {
            var records = new KinesisStreamReader(kinesis, json).readAll("members");
            Map<String, Set<String>> idsByChange = new HashMap<>();
            Map<String, List<Long>> versionsByMember = new HashMap<>();
            for (var record : records) {
                JsonNode event = record.event();
                String member = event.path("subject").asText();
                long version = event.path("data").path("version").asLong();
                idsByChange.computeIfAbsent(member + "@v" + version, k -> new HashSet<>()).add(event.path("id").asText());
                versionsByMember.computeIfAbsent(member, k -> new ArrayList<>()).add(version);
            }
            Set<String> missing = new HashSet<>(committed);
            missing.removeAll(idsByChange.keySet());
            assertThat(missing).as("committed changes without an event in the stream").isEmpty();
            assertThat(idsByChange).as("a change sent twice is sent with the same event id")
                    .allSatisfy((change, ids) -> assertThat(ids).hasSize(1));
            assertThat(versionsByMember).as("each member's events in version order (a resend may repeat one)")
                    .allSatisfy((member, versions) -> assertThat(versions).isSorted());
        }
        assertNoEventInTwoSendsAtOnce(List.of(one.log(), killed.log(), restarted.log(), live.get(2).log()), killedAt);
        assertThat(query("select count(distinct sent_by) from forwarded_events where sent_by is not null"))
                .as("the event log names the consoles that sent").isGreaterThanOrEqualTo(2);

        // The settings switch on one console governs the next event committed on every console.
        JsonNode settings = send(live.get(2).url(), "GET", "/api/settings", null, 200);
        send(live.get(2).url(), "PUT", "/api/settings", """
                {"firehose":true,"kinesisStreamName":"%s","firehoseDeliveryStreamName":"%s"}"""
                .formatted(settings.path("kinesisStreamName").asText(),
                        settings.path("firehoseDeliveryStreamName").asText()), 200);
        for (int i = 0; i < 3; i++) {
            long id = send(live.get(i).url(), "POST", "/api/members", """
                    {"fullName":"After switch %d","email":"after-switch-%d@example.org","role":"MEMBER","status":"ACTIVE","joinedOn":"2024-01-15"}"""
                    .formatted(i, i), 201).path("id").asLong();
            assertThat(query("select count(*) from forwarded_events where subject = '" + id + "' and sink = 'FIREHOSE'"))
                    .as("the first event after the switch, committed on console %d, goes to Firehose", i + 1)
                    .isEqualTo(1);
        }
        awaitAllDelivered(Duration.ofSeconds(60));
    }

    /** Updates random shared members through the consoles in turn; a 409 (someone else was first) is skipped. */
    private void updateUntilStopped(List<Console> consoles, List<Long> members, int thread, AtomicBoolean saving,
                                    AtomicInteger acknowledged, Set<Integer> down) {
        int n = thread;
        while (saving.get()) {
            n++;
            int which = n % consoles.size();
            if (down.contains(which)) {
                continue;
            }
            String url = consoles.get(which).url();
            long id = members.get(ThreadLocalRandom.current().nextInt(members.size()));
            try {
                JsonNode member = send(url, "GET", "/api/members/" + id, null, 200);
                int status = put(url, id, member, thread, n);
                if (status == 200) {
                    acknowledged.incrementAndGet();
                }
            } catch (Exception consoleGone) {
                // the killed console, or a slow answer: carry on through the others
            }
        }
    }

    private int put(String url, long id, JsonNode member, int thread, int n) throws Exception {
        String body = """
                {"fullName":"Shared %d by %d/%d","email":"%s","role":"MEMBER","status":"ACTIVE","joinedOn":"2024-01-15","version":%d}"""
                .formatted(id, thread, n, member.path("email").asText(), member.path("version").asLong());
        HttpResponse<String> response = children.http().send(children.request(url + "/api/members/" + id, "PUT",
                body).build(), HttpResponse.BodyHandlers.ofString());
        return response.statusCode();
    }

    /** Every committed change as {@code <member id>@v<version>}, read from the shared database. */
    private Set<String> committedChanges(List<Long> members) throws Exception {
        Set<String> changes = new HashSet<>();
        try (Connection connection = postgres.getPostgresDatabase().getConnection();
             Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("select id, version from members")) {
            while (rows.next()) {
                for (long v = 0; v <= rows.getLong(2); v++) {
                    changes.add(rows.getLong(1) + "@v" + v);
                }
            }
        }
        assertThat(changes.size()).isGreaterThanOrEqualTo(MEMBERS + 280);
        return changes;
    }

    private void awaitAllDelivered(Duration within) throws Exception {
        Instant deadline = Instant.now().plus(within);
        while (Instant.now().isBefore(deadline)) {
            if (query("select count(*) from forwarded_events where status <> 'DELIVERED'") == 0) {
                return;
            }
            Thread.sleep(250); // the consoles resend on their own time
        }
        throw new AssertionError("not all delivered within " + within + ": "
                + query("select count(*) from forwarded_events where status <> 'DELIVERED'") + " events undelivered");
    }

    /** From the consoles' send traces: no event id in send calls of two consoles whose times overlap. */
    private void assertNoEventInTwoSendsAtOnce(List<Path> logs, long killedAt) throws IOException {
        record Call(int console, long start, long end) {
        }
        Map<String, List<Call>> calls = new HashMap<>();
        int traced = 0;
        for (int c = 0; c < logs.size(); c++) {
            Map<String, Long> open = new HashMap<>();
            for (String line : Files.readAllLines(logs.get(c))) {
                Matcher m = SEND_TRACE.matcher(line);
                if (!m.find()) {
                    continue;
                }
                long at = Long.parseLong(m.group(2));
                for (String id : m.group(3).split(",")) {
                    if (m.group(1).equals("start")) {
                        open.put(id, at);
                        traced++;
                    } else {
                        Long start = open.remove(id);
                        if (start != null) {
                            calls.computeIfAbsent(id, k -> new ArrayList<>()).add(new Call(c, start, at));
                        }
                    }
                }
            }
            for (var unfinished : open.entrySet()) { // the killed console's calls in flight
                calls.computeIfAbsent(unfinished.getKey(), k -> new ArrayList<>())
                        .add(new Call(c, unfinished.getValue(), killedAt));
            }
        }
        assertThat(traced).as("send calls traced").isGreaterThan(MEMBERS);
        calls.forEach((id, list) -> {
            for (Call a : list) {
                for (Call b : list) {
                    if (a.console() < b.console()) {
                        assertThat(a.end() < b.start() || b.end() < a.start())
                                .as("event %s sent by two consoles at once: %s and %s", id, a, b).isTrue();
                    }
                }
            }
        });
    }

    private URI startEngine() throws Exception {
        Path log = dir.resolve("engine.log");
        Process process = children.start(log, "256m",
                "--spring.profiles.active=engine",
                "--memberstream.engine.port=0",
                "--memberstream.engine.throughput-limits=false",
                "--memberstream.data-dir=" + dir.resolve("engine-data"));
        return children.awaitEngine(process, log, Duration.ofSeconds(120));
    }

    private Console startConsole(String id, int port, int generation) throws Exception {
        Path log = dir.resolve(id + "-" + generation + ".log");
        Process process = children.start(log, "384m",
                "--server.port=" + port,
                "--memberstream.instance-id=" + id,
                "--memberstream.data-dir=" + dir.resolve(id + "-data"),
                "--memberstream.test.fresh-data-dir=false",
                "--spring.datasource.url=" + postgres.getJdbcUrl("postgres", "postgres"),
                "--spring.datasource.username=postgres",
                "--spring.datasource.password=postgres",
                "--memberstream.aws.mode=endpoint",
                "--memberstream.aws.endpoint=" + engine,
                "--memberstream.aws.call-timeout=2s",
                "--memberstream.live.consumer-enabled=false",
                "--memberstream.forwarding.initial-backoff=50ms",
                "--memberstream.forwarding.claim-time=6s",
                "--memberstream.forwarding.order-wait=4s",
                "--memberstream.forwarding.resubmit-every=2s",
                "--memberstream.forwarding.resubmit-older-than=7s",
                "--logging.level.memberstream.forwarding.SendTrace=DEBUG");
        return new Console(id, port, process, log);
    }

    private void waitHealthy(Console console) throws Exception {
        children.awaitHealthy(console.url(), console.process(), console.log(), Duration.ofSeconds(240));
    }

    private JsonNode send(String url, String method, String path, String body, int expected) throws Exception {
        return children.send(url, method, path, body, expected);
    }

    private long query(String sql) throws Exception {
        try (Connection connection = postgres.getPostgresDatabase().getConnection();
             Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery(sql)) {
            rows.next();
            return rows.getLong(1);
        }
    }

    private static void awaitCount(AtomicInteger count, int atLeast) throws InterruptedException {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(180));
        while (count.get() < atLeast) {
            assertThat(Instant.now()).as("%d saves acknowledged in time", atLeast).isBefore(deadline);
            Thread.sleep(20); // the clients run in real time against other processes
        }
    }
}
