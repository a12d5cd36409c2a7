package memberstream.member.ui;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.LocalDate;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import memberstream.ConsoleTest;
import memberstream.Eventually;
import memberstream.TestUsers;
import memberstream.base.ClusterSignals;
import memberstream.member.Member;
import memberstream.member.MemberRole;
import memberstream.member.MemberService;
import memberstream.member.MemberStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * A second console's broadcaster on the same database (its own {@link ClusterSignals} connection):
 * a member saved on this console makes the other console's open members pages refresh, once per
 * transaction, and a console does not hear its own signal twice.
 */
@ConsoleTest
class MemberChangesAcrossConsolesTest {

    @Autowired
    MemberService members;

    @Autowired
    DataSource dataSource;

    @Autowired
    JdbcTemplate jdbc;

    private ClusterSignals otherSignals;
    private MemberChangeBroadcaster other;

    @BeforeEach
    void secondConsole() {
        otherSignals = new ClusterSignals(dataSource, jdbc);
        other = new MemberChangeBroadcaster(otherSignals, () -> "other-console");
        otherSignals.start();
        Eventually.within(Duration.ofSeconds(10), "the second console listens", otherSignals::listening);
    }

    @AfterEach
    void stop() {
        otherSignals.stop();
        other.stop();
    }

    @Test
    void aMemberSavedOnOneConsoleRefreshesTheOthersPages() throws Exception {
        AtomicInteger heard = new AtomicInteger();
        other.register(heard::incrementAndGet);
        Thread.sleep(300); // the resync announced on (re)listening has passed
        heard.set(0);

        String tag = UUID.randomUUID().toString().substring(0, 8);
        TestUsers.runAsAdmin(() -> members.create(new Member("Across " + tag, "across-" + tag + "@example.org",
                MemberRole.MEMBER, MemberStatus.ACTIVE, LocalDate.of(2024, 1, 1))));

        Eventually.within(Duration.ofSeconds(5), "the other console heard of the change", () -> heard.get() > 0);
        Thread.sleep(500);
        assertThat(heard.get()).as("one signal for one transaction").isEqualTo(1);
    }
}
