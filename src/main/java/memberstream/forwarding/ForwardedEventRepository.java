package memberstream.forwarding;

import java.util.List;
import java.util.UUID;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.JpaSpecificationExecutor;
import org.springframework.data.jpa.repository.Query;

interface ForwardedEventRepository extends JpaRepository<ForwardedEvent, UUID>, JpaSpecificationExecutor<ForwardedEvent> {

    long countByStatusNot(DeliveryStatus status);

    /** Each send of the event, oldest first: at, status, attempts, error, sink, destination, sent_by. */
    @Query(value = "select at, status, attempts, error, sink, destination, sent_by from forwarded_event_attempts "
            + "where event_id = ?1 order by id", nativeQuery = true)
    List<Object[]> attemptsOf(UUID eventId);

    /** The ids (as event subjects) of the members whose email is this one now. */
    @Query(value = "select cast(id as varchar) from members where lower(email) = lower(?1) limit 100", nativeQuery = true)
    List<String> memberIdsWithEmail(String email);
}
