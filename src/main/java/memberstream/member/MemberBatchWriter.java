package memberstream.member;

import jakarta.persistence.EntityManager;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * Many new members in the caller's transaction, for the CSV import: the same inserts and the same
 * {@link MemberChanged} created events as {@link MemberService#create}, one a member, without the
 * per-call checks the import has already made for the whole file (validation, email duplicates).
 * Publishing inside the batch's transaction is what makes forwarding exact: Spring Modulith records
 * each event's publication with the members it describes, so a batch is saved with all its events or
 * not at all. The caller checks the ADMIN role when the import starts (the batches run on a
 * background thread without a login). Stateless; any thread.
 */
@Component
public class MemberBatchWriter {

    private final EntityManager entityManager;
    private final JdbcTemplate jdbc;
    private final Clock clock;
    private final ApplicationEventPublisher events;

    MemberBatchWriter(EntityManager entityManager, JdbcTemplate jdbc, Clock clock, ApplicationEventPublisher events) {
        this.entityManager = entityManager;
        this.jdbc = jdbc;
        this.clock = clock;
        this.events = events;
    }

    /**
     * Inserts the drafts as new members and publishes a created event for each, attributed to
     * {@code actor}; returns them saved, in order. Must run inside a transaction. A draft whose email
     * was taken meanwhile makes the unique index fail the statement (and so the transaction): call
     * {@link #takenEmails} first, in the same transaction, to leave such drafts out.
     */
    @Transactional(propagation = Propagation.MANDATORY)
    public List<Member> createAll(List<Member> drafts, String actor) {
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        List<Member> saved = new ArrayList<>(drafts.size());
        for (Member draft : drafts) {
            Member member = new Member();
            member.copyDetailsFrom(draft);
            member.stampCreated(now);
            entityManager.persist(member);
            saved.add(member);
        }
        entityManager.flush();
        for (Member member : saved) {
            events.publishEvent(MemberChanged.created(member, actor));
        }
        entityManager.flush();
        entityManager.clear();
        return saved;
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
