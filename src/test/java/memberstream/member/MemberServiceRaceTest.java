package memberstream.member;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.LocalDate;
import memberstream.ConsoleTest;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.concurrent.DelegatingSecurityContextExecutorService;
import org.springframework.security.core.authority.AuthorityUtils;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * What the service's up-front checks cannot see: another transaction that has written but not yet
 * committed. Each test holds such a transaction open, lets the service run into its lock on another
 * thread, commits, and checks the service reports the lost race in the same words as the check would.
 */
@ConsoleTest
class MemberServiceRaceTest {

    @Autowired
    MemberService members;

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    TransactionTemplate transaction;

    ExecutorService otherUser;
    String tag;

    @BeforeEach
    void setUp() {
        tag = UUID.randomUUID().toString().substring(0, 8);
        SecurityContext admin = SecurityContextHolder.createEmptyContext();
        admin.setAuthentication(UsernamePasswordAuthenticationToken.authenticated(
                "other-admin", null, AuthorityUtils.createAuthorityList("ROLE_ADMIN")));
        otherUser = new DelegatingSecurityContextExecutorService(Executors.newSingleThreadExecutor(), admin);
        SecurityContextHolder.setContext(admin);
    }

    @AfterEach
    void tearDown() {
        otherUser.shutdownNow();
        SecurityContextHolder.clearContext();
    }

    @Test
    void twoCreatesOfTheSameEmailAtOnceEndInTheDuplicateEmailError() throws Exception {
        Future<Member> racer = whileUncommitted(
                "insert into members (full_name, email, role, status, joined_on, created_at, updated_at)"
                        + " values ('First', 'Race-" + tag + "@Example.org', 'MEMBER', 'ACTIVE', date '2024-01-01',"
                        + " now(), now())",
                unused -> members.create(member("Second", "race-" + tag + "@example.org")));

        assertThatThrownBy(() -> outcome(racer))
                .isInstanceOf(DuplicateEmailException.class)
                .extracting(e -> ((DuplicateEmailException) e).errors().get(0).field())
                .isEqualTo("email");
        assertThat(members.count(new MemberFilter("race-" + tag, null, null))).isEqualTo(1);
    }

    @Test
    void anUpdateRacingAnotherUpdateIsAConflictNotAnOverwrite() throws Exception {
        Member stored = members.create(member("Grace Hopper", "grace-" + tag + "@example.org"));
        Future<Member> racer = whileUncommitted(
                "update members set full_name = 'Other Edit', version = version + 1 where id = " + stored.getId(),
                unused -> members.update(stored.getId(), stored.getVersion(), member("My Edit", "grace-" + tag + "@example.org")));

        assertThatThrownBy(() -> outcome(racer)).isInstanceOf(MemberChangedMeanwhileException.class);
        assertThat(members.find(stored.getId()).orElseThrow().getFullName()).isEqualTo("Other Edit");
    }

    @Test
    void aDeleteRacingAnotherDeleteSaysTheMemberIsGone() throws Exception {
        Member stored = members.create(member("Grace Hopper", "grace-" + tag + "@example.org"));
        Future<Void> racer = whileUncommitted(
                "delete from members where id = " + stored.getId(),
                unused -> {
                    members.delete(stored.getId());
                    return null;
                });

        assertThatThrownBy(() -> outcome(racer)).isInstanceOf(MemberNotFoundException.class);
    }

    @Test
    void updateKeepsCreatedAtAndMovesUpdatedAt() {
        Member stored = members.create(member("Grace Hopper", "grace-" + tag + "@example.org"));
        assertThat(stored.getUpdatedAt()).isEqualTo(stored.getCreatedAt());

        Member updated = members.update(stored.getId(), stored.getVersion(), member("Grace", "grace-" + tag + "@example.org"));

        assertThat(updated.getCreatedAt()).isEqualTo(stored.getCreatedAt());
        assertThat(updated.getUpdatedAt()).isAfterOrEqualTo(stored.getUpdatedAt());
        assertThat(updated.getVersion()).isEqualTo(stored.getVersion() + 1);
    }

    /**
     * Runs {@code sql} in a transaction of its own, starts {@code service} on the other user's thread,
     * waits until that thread blocks on the uncommitted write, then commits.
     */
    private <T> Future<T> whileUncommitted(String sql, Function<Void, T> service) {
        return transaction.execute(status -> {
            jdbc.update(sql);
            Future<T> racer = otherUser.submit(() -> service.apply(null));
            awaitSomeoneWaitingForALock(racer);
            return racer;
        });
    }

    /** pg_locks is live (pg_stat_activity would answer from a snapshot taken once per transaction). */
    private void awaitSomeoneWaitingForALock(Future<?> racer) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (jdbc.queryForObject(
                "select count(*) from pg_locks where not granted", Integer.class) == 0) {
            if (racer.isDone()) {
                throw new AssertionError("The service finished without meeting the uncommitted write");
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("The service never waited for the uncommitted write");
            }
            Thread.onSpinWait();
        }
    }

    private static <T> T outcome(Future<T> racer) throws Exception {
        try {
            return racer.get(10, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw (Exception) e.getCause();
        }
    }

    private static Member member(String fullName, String email) {
        return new Member(fullName, email, MemberRole.MEMBER, MemberStatus.ACTIVE, LocalDate.of(2024, 1, 1));
    }
}
