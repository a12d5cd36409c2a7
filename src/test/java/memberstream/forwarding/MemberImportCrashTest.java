package memberstream.forwarding;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.kinesis.KinesisClient;

/**
 * kill -9 during a bulk import: the console runs in a child JVM (its own embedded PostgreSQL and
 * engine), imports a file through {@code POST /api/members/import} and is killed with SIGKILL once
 * some batches are saved. An import is acknowledged per batch (the job's saved counter is advanced in
 * the batch's transaction), so after the restart the job says INTERRUPTED with whole batches saved,
 * exactly those members exist, and every one of them has its created event in the stream. Importing
 * the same file again (skipping the refused rows) saves the rest: in the end each row is one member
 * with one created event (a resend after the kill keeps its event id), none twice.
 */
class MemberImportCrashTest {

    private static final int ROWS = 30_000;

    private final Path dataDir = Path.of("target/test-data/import-crash").toAbsolutePath();
    private final ChildConsoles children = new ChildConsoles("admin", "import-crash-password");
    private final ObjectMapper json = children.json();

    @AfterEach
    void stopChildren() throws InterruptedException {
        children.close();
    }

    @Test
    void aKilledImportKeepsItsSavedBatchesAndEveryImportedMemberGetsOneEvent() throws Exception {
        ChildConsoles.deleteRecursively(dataDir);
        Console first = start(1);
        String tag = "crash" + Long.toString(System.nanoTime(), 36);
        String csv = csv(tag);

        JsonNode started = importCsv(first, csv, false);
        String job = "/api/members/import/" + started.path("id").asLong();
        Instant deadline = Instant.now().plus(Duration.ofSeconds(120));
        JsonNode state = started;
        while (state.path("saved").asInt() < 2_000 && "RUNNING".equals(state.path("status").asText())
                && Instant.now().isBefore(deadline)) {
            Thread.sleep(5); // the import runs in real time in another process
            state = children.send(first.url(), "GET", job, null, 200);
        }
        first.process().destroyForcibly(); // SIGKILL mid-import: no shutdown hook, nothing flushed
        assertThat(first.process().waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(state.path("status").asText()).as("still running when killed").isEqualTo("RUNNING");
        int acknowledged = state.path("saved").asInt();

        Console second = start(2);
        JsonNode interrupted = children.send(second.url(), "GET", job, null, 200);
        Instant marked = Instant.now().plus(Duration.ofSeconds(60));
        while ("RUNNING".equals(interrupted.path("status").asText()) && Instant.now().isBefore(marked)) {
            Thread.sleep(200); // marked when the restarted console is ready, just after it answers
            interrupted = children.send(second.url(), "GET", job, null, 200);
        }
        int saved = interrupted.path("saved").asInt();
        assertThat(interrupted.path("status").asText()).isEqualTo("INTERRUPTED");
        assertThat(saved).as("acknowledged batches stay").isGreaterThanOrEqualTo(acknowledged).isLessThan(ROWS);
        assertThat(saved % 1_000).as("whole batches only").isZero();
        assertThat(membersTagged(second, tag)).as("members saved = the job's count").isEqualTo(saved);

        try (KinesisClient kinesis = ChildConsoles.kinesis(second.engine())) {
            Map<String, Set<String>> eventIds = awaitCreatedEvents(kinesis, tag, saved);
            assertThat(eventIds).as("one created event, one id, for each saved member").hasSize(saved)
                    .allSatisfy((member, ids) -> assertThat(ids).hasSize(1));

            JsonNode rest = importCsv(second, csv, true);
            assertThat(rest.path("refusedRows").asInt()).as("rows saved before the kill are refused").isEqualTo(saved);
            String secondJob = "/api/members/import/" + rest.path("id").asLong();
            JsonNode done = rest;
            Instant until = Instant.now().plus(Duration.ofSeconds(180));
            while (!done.path("status").asText().equals("DONE") && Instant.now().isBefore(until)) {
                Thread.sleep(200);
                done = children.send(second.url(), "GET", secondJob, null, 200);
            }
            assertThat(done.path("status").asText()).isEqualTo("DONE");
            assertThat(done.path("saved").asInt()).isEqualTo(ROWS - saved);
            assertThat(membersTagged(second, tag)).isEqualTo(ROWS);

            eventIds = awaitCreatedEvents(kinesis, tag, ROWS);
            assertThat(eventIds).as("every row imported once, with one created event").hasSize(ROWS)
                    .allSatisfy((member, ids) -> assertThat(ids).hasSize(1));
        }
    }

    private String csv(String tag) {
        StringBuilder csv = new StringBuilder("fullName,email,role,status,joinedOn\n");
        for (int i = 0; i < ROWS; i++) {
            csv.append("Crash Import ").append(i).append(',').append(tag).append('-').append(i)
                    .append("@example.org,MEMBER,ACTIVE,2024-03-01\n");
        }
        return csv.toString();
    }

    private JsonNode importCsv(Console console, String csv, boolean skipRefused) throws Exception {
        HttpRequest request = children.request(console.url() + "/api/members/import?skipRefused=" + skipRefused,
                        "POST", csv).setHeader("Content-Type", "text/csv").timeout(Duration.ofSeconds(120)).build();
        HttpResponse<String> response = children.http().send(request, HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isIn(200, 202);
        return json.readTree(response.body());
    }

    /** Counted from the CSV export: the list's count is an estimate above 1,000 matches. */
    private int membersTagged(Console console, String tag) throws Exception {
        String csv = children.http().send(children.request(console.url() + "/api/members/export?q=" + tag, "GET", null)
                .build(), java.net.http.HttpResponse.BodyHandlers.ofString()).body();
        return (int) csv.lines().filter(line -> !line.isBlank()).count() - 1;
    }

    /** Member id to the ids of its created events in the stream, once {@code expected} members have one (or 90 s). */
    private Map<String, Set<String>> awaitCreatedEvents(KinesisClient kinesis, String tag, int expected)
            throws InterruptedException {
        var reader = new KinesisStreamReader(kinesis, json);
        Map<String, Set<String>> ids = new HashMap<>();
        Instant until = Instant.now().plus(Duration.ofSeconds(90));
        do {
            ids.clear();
            for (var record : reader.readAll("members")) {
                JsonNode event = record.event();
                if (record.type().endsWith("member.created") && event.path("data").path("changes").path("email")
                        .path("after").asText().startsWith(tag + "-")) {
                    ids.computeIfAbsent(event.path("subject").asText(), k -> new HashSet<>()).add(record.id());
                }
            }
            if (ids.size() >= expected) {
                return ids;
            }
            Thread.sleep(500); // the restarted child resends on its own time
        } while (Instant.now().isBefore(until));
        return ids;
    }

    private record Console(Process process, String url, URI engine) {
    }

    private Console start(int generation) throws Exception {
        int port = ChildConsoles.freePort();
        Path log = dataDir.resolveSibling("import-crash-child-" + generation + ".log");
        Process process = children.start(log, "768m",
                "--server.port=" + port,
                "--memberstream.engine.port=0",
                "--memberstream.data-dir=" + dataDir,
                // the same console restarted: its own RUNNING jobs are the ones it marks INTERRUPTED
                "--memberstream.instance-id=import-crash-console",
                "--memberstream.test.fresh-data-dir=false",
                "--memberstream.engine.throughput-limits=false",
                "--memberstream.forwarding.initial-backoff=50ms",
                "--vaadin.productionMode=true"); // as shipped; the class directories carry no production token
        String url = "http://127.0.0.1:" + port;
        URI engine = children.awaitEngine(process, log, Duration.ofSeconds(240));
        children.awaitHealthy(url, process, log, Duration.ofSeconds(240));
        return new Console(process, url, engine);
    }
}
