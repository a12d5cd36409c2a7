package memberstream.forwarding;

import java.util.List;
import java.util.UUID;
import org.springframework.data.domain.PageRequest;
import org.springframework.data.domain.Pageable;
import org.springframework.data.domain.Sort;
import org.springframework.data.jpa.domain.Specification;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * The event log as the console shows it: recent events with their delivery status, the count of
 * events not yet delivered, and (for admins) sending failed ones again.
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
        Sort sort = pageable.getSort().isSorted()
                ? pageable.getSort().and(Sort.by("eventId"))
                : Sort.by(Sort.Order.desc("occurredAt"), Sort.Order.desc("eventId"));
        Pageable stable = PageRequest.of(pageable.getPageNumber(), pageable.getPageSize(), sort);
        return repository.findBy(withStatus(status), query -> query.slice(stable)).getContent();
    }

    public long count(DeliveryStatus status) {
        return repository.count(withStatus(status));
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
