package memberstream.forwarding;

import java.util.UUID;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.JpaSpecificationExecutor;

interface ForwardedEventRepository extends JpaRepository<ForwardedEvent, UUID>, JpaSpecificationExecutor<ForwardedEvent> {

    long countByStatusNot(DeliveryStatus status);
}
