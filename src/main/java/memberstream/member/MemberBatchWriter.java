package memberstream.member;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowCallbackHandler;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * Many new members in the caller's transaction, for the CSV import: the same rows and the same
 * {@link MemberChanged} created events as {@link MemberService#create}, one a member, without the
 * per-call checks the import has already made for the whole file (validation, email duplicates).
 *
 * <p>Bulk: the members go in with one multi-row {@code INSERT ... SELECT FROM unnest(...) RETURNING}
 * (no entity is managed), and their created events are published as one {@link MembersImported}, so
 * that listeners write their rows in bulk (forwarding: the batch's outbox rows in one statement).
 * Publishing inside the batch's transaction is what makes forwarding exact: the outbox rows are saved
 * with the members they describe, so a batch is saved with all its events or not at all. The caller
 * checks the ADMIN role when the import starts (the batches run on a background thread without a
 * login). Stateless; any thread.
 */
@Component
public class MemberBatchWriter {

    private static final String INSERT = """
            insert into members (full_name, email, phone, role, status, joined_on, notes, created_at, updated_at,
                version)
            select d.full_name, d.email, d.phone, d.role, d.status, d.joined_on::date, d.notes, ?, ?, 0
            from unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[])
                with ordinality as d(full_name, email, phone, role, status, joined_on, notes, place)
            order by d.place
            returning id, email""";

    private final JdbcTemplate jdbc;
    private final Clock clock;
    private final ApplicationEventPublisher events;

    MemberBatchWriter(JdbcTemplate jdbc, Clock clock, ApplicationEventPublisher events) {
        this.jdbc = jdbc;
        this.clock = clock;
        this.events = events;
    }

    /**
     * Inserts the drafts as new members (version 0) and publishes their created events, attributed to
     * {@code actor}, as one {@link MembersImported}; returns the events, in the drafts' order. Must run
     * inside a transaction. A draft whose email was taken meanwhile makes the unique index fail the
     * statement (and so the transaction): call {@link #takenEmails} first, in the same transaction, to
     * leave such drafts out.
     */
    @Transactional(propagation = Propagation.MANDATORY)
    public List<MemberChanged> createAll(List<Member> drafts, String actor) {
        if (drafts.isEmpty()) {
            return List.of();
        }
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        int n = drafts.size();
        String[][] columns = new String[7][n];
        for (int i = 0; i < n; i++) {
            Member draft = drafts.get(i);
            columns[0][i] = draft.getFullName();
            columns[1][i] = draft.getEmail();
            columns[2][i] = draft.getPhone();
            columns[3][i] = draft.getRole() == null ? null : draft.getRole().name();
            columns[4][i] = draft.getStatus() == null ? null : draft.getStatus().name();
            columns[5][i] = draft.getJoinedOn() == null ? null : draft.getJoinedOn().toString();
            columns[6][i] = draft.getNotes();
        }
        Timestamp at = Timestamp.from(now);
        Map<String, Long> ids = new HashMap<>(n * 2);
        jdbc.query(INSERT, (RowCallbackHandler) row -> ids.put(row.getString("email"), row.getLong("id")),
                at, at, columns[0], columns[1], columns[2], columns[3], columns[4], columns[5], columns[6]);
        if (ids.size() != n) {
            throw new IllegalStateException("Inserted " + ids.size() + " members for " + n + " drafts");
        }
        List<MemberChanged> created = new ArrayList<>(n);
        for (Member draft : drafts) {
            created.add(MemberChanged.created(draft, ids.get(draft.getEmail()), 0, now, actor));
        }
        events.publishEvent(new MembersImported(created));
        return created;
    }

    /**
     * Which of these emails a member already uses, in any capitalisation (compared as the unique
     * index compares them, by PostgreSQL's lower()); the answer holds the emails as asked. One query,
     * an index probe an email, however many are asked about.
     */
    @Transactional(readOnly = true)
    public Set<String> takenEmails(Collection<String> emails) {
        if (emails.isEmpty()) {
            return Set.of();
        }
        String[] asked = emails.stream().distinct().toArray(String[]::new);
        return new HashSet<>(jdbc.queryForList("""
                select asked from unnest(?::text[]) asked
                where exists (select 1 from members where lower(email) = lower(asked))""",
                String.class, (Object) asked));
    }
}
