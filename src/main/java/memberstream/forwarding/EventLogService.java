package memberstream.forwarding;

import java.sql.Timestamp;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.data.domain.PageRequest;
import org.springframework.data.domain.Pageable;
import org.springframework.data.domain.Sort;
import org.springframework.data.jpa.domain.Specification;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * The event log as the console shows it: every event (filtered by status, type, member and time,
 * paged, with an exact count) with its delivery status, one event's detail (the CloudEvent as sent,
 * each send with its error), the count of events not yet delivered, and (for admins) sending
 * undelivered ones again.
 */
@Transactional(readOnly = true)
public class EventLogService {

    private final ForwardedEventRepository repository;
    private final PublicationResubmitter resubmitter;

    EventLogService(ForwardedEventRepository repository, PublicationResubmitter resubmitter) {
        this.repository = repository;
        this.resubmitter = resubmitter;
    }

    /** One page of events, newest first unless the pageable says otherwise; {@code status} null means all. */
    public List<ForwardedEvent> list(DeliveryStatus status, Pageable pageable) {
        return list(new EventLogFilter(status, null, null, null, null), pageable);
    }

    /** One page of the events the filter lets through, newest first unless the pageable says otherwise. */
    public List<ForwardedEvent> list(EventLogFilter filter, Pageable pageable) {
        Sort sort = pageable.getSort().isSorted()
                ? pageable.getSort().and(Sort.by("eventId"))
                : Sort.by(Sort.Order.desc("occurredAt"), Sort.Order.desc("eventId"));
        Pageable stable = PageRequest.of(pageable.getPageNumber(), pageable.getPageSize(), sort);
        return repository.findBy(matching(filter), query -> query.slice(stable)).getContent();
    }

    public long count(DeliveryStatus status) {
        return repository.count(withStatus(status));
    }

    /** The exact number of events the filter lets through. */
    public long count(EventLogFilter filter) {
        return repository.count(matching(filter));
    }

    /** One event with each of its sends, oldest first; empty if there is no such event. */
    public Optional<EventDetail> detail(UUID eventId) {
        return repository.findById(eventId).map(event -> new EventDetail(event, repository.attemptsOf(eventId)
                .stream().map(EventLogService::attempt).toList()));
    }

    /** An event of the log with its sends. */
    public record EventDetail(ForwardedEvent event, List<EventAttempt> attempts) {
    }

    private static EventAttempt attempt(Object[] row) {
        Instant at = row[0] instanceof Timestamp timestamp ? timestamp.toInstant()
                : row[0] instanceof OffsetDateTime offset ? offset.toInstant() : (Instant) row[0];
        return new EventAttempt(at, DeliveryStatus.valueOf((String) row[1]), ((Number) row[2]).intValue(),
                (String) row[3], (String) row[4], (String) row[5], (String) row[6]);
    }

    private Specification<ForwardedEvent> matching(EventLogFilter filter) {
        Specification<ForwardedEvent> spec = withStatus(filter.status());
        if (filter.type() != null && !filter.type().isBlank()) {
            String type = filter.type().strip();
            spec = spec.and((root, query, cb) -> cb.or(cb.equal(root.get("eventType"), type),
                    cb.equal(root.get("eventType"), "io.memberstream." + type)));
        }
        if (filter.member() != null && !filter.member().isBlank()) {
            String member = filter.member().strip();
            List<String> subjects = member.contains("@") ? repository.memberIdsWithEmail(member) : List.of(member);
            spec = spec.and((root, query, cb) -> subjects.isEmpty() ? cb.disjunction()
                    : root.get("subject").in(subjects));
        }
        if (filter.from() != null) {
            spec = spec.and((root, query, cb) -> cb.greaterThanOrEqualTo(root.get("occurredAt"), filter.from()));
        }
        if (filter.to() != null) {
            spec = spec.and((root, query, cb) -> cb.lessThan(root.get("occurredAt"), filter.to()));
        }
        return spec;
    }

    /** Events committed and not yet acknowledged by a sink (pending and failed). */
    public long undelivered() {
        return repository.countByStatusNot(DeliveryStatus.DELIVERED);
    }

    /** Sends one event again now (it must not be delivered yet). */
    @PreAuthorize("hasRole('ADMIN')")
    @Transactional(propagation = Propagation.NOT_SUPPORTED)
    public void retry(UUID eventId) {
        resubmitter.resubmit(eventId);
    }

    /** Sends every undelivered event again now, oldest first. */
    @PreAuthorize("hasRole('ADMIN')")
    @Transactional(propagation = Propagation.NOT_SUPPORTED)
    public void retryAll() {
        resubmitter.resubmitAll();
    }

    private static Specification<ForwardedEvent> withStatus(DeliveryStatus status) {
        return (root, query, cb) -> status == null ? cb.conjunction() : cb.equal(root.get("status"), status);
    }
}
