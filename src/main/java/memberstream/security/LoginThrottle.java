package memberstream.security;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Slows down and then stops password guessing, per user name and per client address, for the login
 * form, HTTP Basic and wrong API tokens alike.
 *
 * <p>State lives in the {@code login_failures} table rather than in memory, so that every console on
 * one database counts the same failures (an attacker cannot multiply the budget by the number of
 * consoles) and an admin sees and lifts lockouts wherever they were caused. It costs a few indexed
 * one-row statements per password login, next to a BCrypt check that costs far more; requests with a
 * valid API token do not touch it at all.
 *
 * <p>Protocol of one attempt: {@link #attempt} counts it as a failure first, atomically per subject
 * (an upsert), and answers whether it may be checked at all; a subject blocked until later is refused
 * unchecked, and then the attempt counts for neither subject. From
 * {@link LoginThrottleProperties#delayAfter()} failures on, the same call blocks the subject for the
 * next attempt, so that parallel guesses cannot all pass before the first result is known. {@link #succeeded} then deletes both counters; {@link #failed} only logs (WARN once
 * per lockout). Times come from the injected clock; no thread ever sleeps, so a blocked attempt costs
 * one statement. Thread-safe: all state is in the database.
 */
@Component
class LoginThrottle {

    private static final Logger log = LoggerFactory.getLogger(LoginThrottle.class);
    /** A user name longer than this cannot exist (see {@link NewUser}); such attempts count per address only. */
    private static final int MAX_SUBJECT = 64;

    /** An attempt that may go on to the password check; carries what {@link #failed} needs. */
    record Attempt(String username, String address, int usernameFailures, int addressFailures) {
    }

    private record Counted(int failures, Instant blockedUntil) {
    }

    private final JdbcTemplate jdbc;
    private final LoginThrottleProperties properties;
    private final Clock clock;

    LoginThrottle(JdbcTemplate jdbc, LoginThrottleProperties properties, Clock clock) {
        this.jdbc = jdbc;
        this.properties = properties;
        this.clock = clock;
    }

    /**
     * Counts an attempt by {@code username} (null for an API token) from {@code address} (null if
     * unknown).
     *
     * @throws LoginThrottledException when either must wait; nothing is checked then
     */
    Attempt attempt(String username, String address) {
        Instant now = clock.instant();
        String name = subjectOf(username);
        String from = subjectOf(address);
        int addressFailures = from == null ? 0 : count(LoginSubject.ADDRESS, from, now);
        int usernameFailures = 0;
        if (name != null) {
            try {
                usernameFailures = count(LoginSubject.USERNAME, name, now);
            } catch (LoginThrottledException nameMustWait) {
                if (from != null) {
                    // refused unchecked: not a failure of the address either
                    jdbc.update("update login_failures set failures = failures - 1 where kind = ? and subject = ?",
                            LoginSubject.ADDRESS.name(), from);
                }
                throw nameMustWait;
            }
            blockIfDue(LoginSubject.USERNAME, name, usernameFailures, now);
        }
        if (from != null) {
            blockIfDue(LoginSubject.ADDRESS, from, addressFailures, now);
        }
        return new Attempt(name, from, usernameFailures, addressFailures);
    }

    /** The attempt proved its credentials: both counters start again from zero. */
    void succeeded(Attempt attempt) {
        if (attempt.usernameFailures() > 0 && attempt.username() != null) {
            jdbc.update("delete from login_failures where kind = ? and subject = ?",
                    LoginSubject.USERNAME.name(), attempt.username());
        }
        if (attempt.addressFailures() > 0 && attempt.address() != null) {
            jdbc.update("delete from login_failures where kind = ? and subject = ?",
                    LoginSubject.ADDRESS.name(), attempt.address());
        }
    }

    /** The attempt failed (it is counted already); logs a lockout it started. */
    void failed(Attempt attempt) {
        if (attempt.username() != null && properties.locksOut(LoginSubject.USERNAME, attempt.usernameFailures())) {
            log.warn("Logins as user name '{}' locked for {} after {} failed attempts (the last from {})",
                    printable(attempt.username()), properties.lockFor(), attempt.usernameFailures(),
                    attempt.address());
        }
        if (attempt.address() != null && properties.locksOut(LoginSubject.ADDRESS, attempt.addressFailures())) {
            log.warn("Logins from address {} locked for {} after {} failed attempts (the last as '{}')",
                    attempt.address(), properties.lockFor(), attempt.addressFailures(),
                    attempt.username() == null ? "an API token" : printable(attempt.username()));
        }
    }

    /** Subjects that must wait now, latest release first, at most {@code limit}. */
    List<LoginLockout> current(int limit) {
        Instant now = clock.instant();
        return new ArrayList<>(jdbc.query("""
                select kind, subject, failures, blocked_until from login_failures
                where blocked_until > ? order by blocked_until desc, kind, subject limit ?""",
                (row, i) -> {
                    LoginSubject kind = LoginSubject.valueOf(row.getString("kind"));
                    int failures = row.getInt("failures");
                    return new LoginLockout(kind, row.getString("subject"), failures,
                            instant(row, "blocked_until"), properties.locksOut(kind, failures));
                }, at(now), limit));
    }

    /** Forgets the failures of one subject; true if it had any. */
    boolean lift(LoginSubject kind, String subject) {
        return jdbc.update("delete from login_failures where kind = ? and subject = ?", kind.name(), subject) > 0;
    }

    /** Deletes counters that are forgotten anyway, so the table holds only recent failures. */
    @Scheduled(fixedDelayString = "PT10M", initialDelayString = "PT1M")
    void sweep() {
        Instant now = clock.instant();
        jdbc.update("delete from login_failures where last_failure_at < ? and (blocked_until is null or blocked_until < ?)",
                at(now.minus(properties.forgetAfter())), at(now));
    }

    private int count(LoginSubject kind, String subject, Instant now) {
        OffsetDateTime attemptAt = at(now);
        Counted counted = jdbc.queryForObject("""
                insert into login_failures as f (kind, subject, failures, last_failure_at)
                values (?, ?, 1, ?)
                on conflict (kind, subject) do update set
                    failures = case when f.blocked_until > excluded.last_failure_at then f.failures
                                    when f.last_failure_at < ? then 1
                                    else f.failures + 1 end,
                    last_failure_at = case when f.blocked_until > excluded.last_failure_at then f.last_failure_at
                                           else excluded.last_failure_at end
                returning failures, blocked_until""",
                (row, i) -> new Counted(row.getInt("failures"),
                        instant(row, "blocked_until")),
                kind.name(), subject, attemptAt, at(now.minus(properties.forgetAfter())));
        if (counted.blockedUntil() != null && counted.blockedUntil().isAfter(now)) {
            throw new LoginThrottledException(Duration.between(now, counted.blockedUntil()));
        }
        return counted.failures();
    }

    /** From the threshold on, no next attempt before the delay (or lockout) for this many failures has passed. */
    private void blockIfDue(LoginSubject kind, String subject, int failures, Instant now) {
        Duration block = properties.blockAfter(kind, failures);
        if (!block.isZero()) {
            jdbc.update("update login_failures set blocked_until = ? where kind = ? and subject = ?",
                    at(now.plus(block)), kind.name(), subject);
        }
    }

    private static OffsetDateTime at(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }

    private static Instant instant(ResultSet row, String column) throws SQLException {
        OffsetDateTime value = row.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }

    private static String subjectOf(String value) {
        if (value == null || value.isEmpty() || value.length() > MAX_SUBJECT) {
            return null;
        }
        return value.toLowerCase(Locale.ROOT);
    }

    /** A user name as typed by anyone, safe for one log line. */
    private static String printable(String text) {
        return text.codePoints().map(c -> Character.isISOControl(c) ? '?' : c)
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString();
    }
}
