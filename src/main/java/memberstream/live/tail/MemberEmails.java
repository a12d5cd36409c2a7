package memberstream.live.tail;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The e-mail of each member the consumer has seen an event for, so that an update (which carries only
 * the fields it changed) is shown with the member's e-mail rather than the bare id. Learnt from the
 * stream itself: a created event, an update that changed the e-mail, anything carrying one. Forgotten on
 * delete, and bounded: the least recently seen members go first. An update of a member the consumer
 * has not seen since it started (a restart resumes from the checkpoint) keeps the event's own fallback.
 *
 * <p>Thread-safety: none; confined to the consumer's thread.
 */
final class MemberEmails {

    static final int DEFAULT_CAPACITY = 10_000;

    private final Map<String, String> bySubject;

    MemberEmails(int capacity) {
        this.bySubject = new LinkedHashMap<>(64, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
                return size() > capacity;
            }
        };
    }

    /** The event with its member's e-mail filled in if known; learns from it. */
    CloudEventSummary fillIn(CloudEventSummary event) {
        if (!event.memberEvent() || event.subject() == null) {
            return event;
        }
        if (event.deletion()) {
            String known = bySubject.remove(event.subject());
            return event.withEmail(known);
        }
        if (event.email() != null) {
            bySubject.put(event.subject(), event.email());
            return event;
        }
        return event.withEmail(bySubject.get(event.subject()));
    }

    int size() {
        return bySubject.size();
    }
}
