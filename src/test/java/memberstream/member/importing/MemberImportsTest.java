package memberstream.member.importing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import memberstream.ConsoleTest;
import memberstream.TestUsers;
import memberstream.base.InstanceId;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.test.context.support.WithMockUser;

/** The import job against the real database and forwarding: cancelling, one job at a time, a lost console. */
@ConsoleTest
class MemberImportsTest {

    private static final String HEADER = "fullName,email,role,status,joinedOn\n";

    @Autowired
    MemberImports imports;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    InstanceId instanceId;

    String tag;

    @BeforeEach
    void setUp() {
        tag = UUID.randomUUID().toString().substring(0, 8);
        // one import at a time: let one started by an earlier test (any class) end first
        imports.newest().filter(job -> !job.status().finished())
                .ifPresent(job -> imports.awaitFinished(job.id(), Duration.ofSeconds(300)));
    }

    private ImportCheck check(int rows) {
        StringBuilder csv = new StringBuilder(HEADER);
        for (int i = 0; i < rows; i++) {
            csv.append("Row ").append(i).append(',').append(tag).append('-').append(i)
                    .append("@example.org,MEMBER,ACTIVE,2024-03-01\n");
        }
        return imports.check("rows.csv", new ByteArrayInputStream(csv.toString().getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    @WithMockUser(username = "import-admin", roles = "ADMIN")
    void aCancelledImportKeepsItsWholeBatchesWithTheirEvents() {
        ImportCheck check = check(3_000);
        ImportJob started = imports.start(check);
        boolean asked = imports.cancel(started.id());

        ImportJob job = imports.awaitFinished(started.id(), Duration.ofSeconds(300)).orElseThrow();

        long saved = jdbc.queryForObject("select count(*) from members where email like ?", Long.class, tag + "-%");
        assertThat(job.saved()).isEqualTo(saved);
        assertThat(saved % 1_000).as("whole batches only").isZero();
        long events = jdbc.queryForObject("""
                select count(*) from forwarded_events f join members m on f.subject = m.id::text
                where m.email like ? and f.event_type like '%member.created'""", Long.class, tag + "-%");
        assertThat(events).as("one created event a saved member").isEqualTo(saved);
        if (asked) {
            assertThat(job.status()).isEqualTo(ImportStatus.CANCELLED);
            assertThat(job.saved()).isLessThan(job.toSave());
            assertThat(job.message()).contains(job.saved() + " of 3000");
        } else {
            assertThat(job.status()).isEqualTo(ImportStatus.DONE); // it had finished before the cancel
        }
    }

    @Test
    @WithMockUser(username = "import-admin", roles = "ADMIN")
    void aJobLeftRunningByAStoppedConsoleIsMarkedInterruptedAndBlocksNoOther() {
        Instant now = Instant.now();
        Long id = jdbc.queryForObject("""
                insert into member_imports (status, total_rows, refused_rows, to_save, saved, instance_id, created_by,
                    created_at, updated_at)
                values ('RUNNING', 3000, 0, 3000, 2000, ?, 'someone', ?, ?) returning id""", Long.class,
                instanceId.get(), Timestamp.from(now), Timestamp.from(now));

        assertThatThrownBy(() -> imports.start(check(1))).isInstanceOf(ImportRunningException.class)
                .hasMessageContaining("Import " + id + " is still running");

        imports.markInterrupted();

        ImportJob job = imports.find(id).orElseThrow();
        assertThat(job.status()).isEqualTo(ImportStatus.INTERRUPTED);
        assertThat(job.message()).contains("2000 of 3000 members had been saved");
        ImportJob next = imports.start(check(1));
        assertThat(imports.awaitFinished(next.id(), Duration.ofSeconds(60)).orElseThrow().status())
                .isEqualTo(ImportStatus.DONE);
    }

    @Test
    @WithMockUser(username = "import-admin", roles = "ADMIN")
    void aJobWhoseConsoleStoppedRenewingItsHeartbeatIsInterruptedByAnyConsole() {
        Instant now = Instant.now();
        // a console restarted on another port has another instance id: its old job is not "its own"
        Long id = jdbc.queryForObject("""
                insert into member_imports (status, total_rows, refused_rows, to_save, saved, instance_id, created_by,
                    created_at, updated_at, heartbeat_at)
                values ('RUNNING', 3000, 0, 3000, 1000, 'gone-host:1', 'someone', ?, ?, ?) returning id""", Long.class,
                Timestamp.from(now), Timestamp.from(now), Timestamp.from(now));

        assertThatThrownBy(() -> imports.start(check(1))).as("a live heartbeat: still running elsewhere")
                .isInstanceOf(ImportRunningException.class);
        imports.markInterrupted();
        assertThat(imports.find(id).orElseThrow().status()).as("not this console's").isEqualTo(ImportStatus.RUNNING);

        jdbc.update("update member_imports set heartbeat_at = ? where id = ?",
                Timestamp.from(now.minus(Duration.ofMinutes(5))), id); // its console stopped renewing it
        ImportJob next = imports.start(check(1));

        ImportJob stale = imports.find(id).orElseThrow();
        assertThat(stale.status()).isEqualTo(ImportStatus.INTERRUPTED);
        assertThat(stale.message()).contains("1000 of 3000 members had been saved").contains("no sign of life since");
        assertThat(stale.finishedAt()).isNotNull();
        assertThat(imports.awaitFinished(next.id(), Duration.ofSeconds(60)).orElseThrow().status())
                .isEqualTo(ImportStatus.DONE);
    }

    @Test
    @WithMockUser(username = "import-admin", roles = "ADMIN")
    void theRunningConsoleRenewsItsJobsHeartbeatWithEveryBatch() {
        ImportJob started = imports.start(check(2_500));

        ImportJob job = imports.awaitFinished(started.id(), Duration.ofSeconds(300)).orElseThrow();

        Instant last = jdbc.queryForObject("select heartbeat_at from member_imports where id = ?", Timestamp.class,
                job.id()).toInstant();
        assertThat(job.status()).isEqualTo(ImportStatus.DONE);
        assertThat(last).as("renewed by its batches").isAfter(job.createdAt());
    }

    @Test
    @WithMockUser(username = "import-viewer", roles = "VIEWER")
    void onlyAnAdminMayCheckOrStartAnImport() {
        assertThatThrownBy(() -> imports.check("x.csv", new ByteArrayInputStream(HEADER.getBytes(StandardCharsets.UTF_8))))
                .isInstanceOf(AccessDeniedException.class);
        assertThat(TestUsers.PASSWORD).isNotBlank();
    }
}
