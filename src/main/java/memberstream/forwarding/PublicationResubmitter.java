package memberstream.forwarding;

import java.util.UUID;
import java.util.function.Predicate;
import memberstream.aws.ResourceProvisioner;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.modulith.events.EventPublication;
import org.springframework.modulith.events.IncompleteEventPublications;
import org.springframework.scheduling.annotation.Scheduled;

/**
 * Sends incomplete publications again: periodically those older than
 * {@code memberstream.forwarding.resubmit-older-than} (more than the retry window, and the forwarder
 * never runs one event twice at once anyway), and on demand for an admin. Outstanding publications are
 * also resubmitted at start ({@code spring.modulith.events.republish-outstanding-events-on-restart}).
 */
class PublicationResubmitter {

    private static final Logger log = LoggerFactory.getLogger(PublicationResubmitter.class);

    private final IncompleteEventPublications incomplete;
    private final ForwardingProperties properties;
    private final ResourceProvisioner provisioner;

    PublicationResubmitter(IncompleteEventPublications incomplete, ForwardingProperties properties,
                           ResourceProvisioner provisioner) {
        this.incomplete = incomplete;
        this.properties = properties;
        this.provisioner = provisioner;
    }

    @Scheduled(initialDelayString = "${memberstream.forwarding.resubmit-every:30s}",
            fixedDelayString = "${memberstream.forwarding.resubmit-every:30s}")
    void resubmitOldOnes() {
        provisioner.ensure();
        try {
            incomplete.resubmitIncompletePublicationsOlderThan(properties.resubmitOlderThan());
        } catch (RuntimeException e) {
            log.warn("Resubmitting incomplete event publications failed: {}", e.toString());
        }
    }

    /** Every incomplete publication, now, in publication order. */
    void resubmitAll() {
        provisioner.ensure();
        incomplete.resubmitIncompletePublications(publication -> true);
    }

    /** The publications of one event, now. */
    void resubmit(UUID eventId) {
        provisioner.ensure();
        incomplete.resubmitIncompletePublications(carries(eventId));
    }

    static Predicate<EventPublication> carries(UUID eventId) {
        return publication -> ForwardableEvents.idsOf(publication.getEvent()).contains(eventId);
    }
}
