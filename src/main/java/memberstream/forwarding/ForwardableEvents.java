package memberstream.forwarding;

import java.util.Locale;
import memberstream.member.MemberChanged;

/** How each application event looks on the wire: its CloudEvents source, type, subject and key. */
final class ForwardableEvents {

    static final String MEMBERS_SOURCE = "/memberstream/members";
    static final String TYPE_PREFIX = "io.memberstream.";

    private ForwardableEvents() {
    }

    static ForwardableEvent of(MemberChanged event) {
        String memberId = Long.toString(event.memberId());
        return new ForwardableEvent(event.eventId(), MEMBERS_SOURCE,
                TYPE_PREFIX + "member." + event.type().name().toLowerCase(Locale.ROOT), memberId,
                event.occurredAt(), event.actor(), memberId, event);
    }
}
