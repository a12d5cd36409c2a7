package memberstream.forwarding;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import memberstream.member.MemberChanged;
import memberstream.member.MembersImported;
import memberstream.settings.SettingsChanged;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The upgrade path from Spring Modulith's publication registry. Before the event log became the one
 * outbox, an event's bytes were not in its row until its first outcome; what would resend it was its
 * incomplete publication in {@code event_publication} (V1: the event as Spring's {@link ObjectMapper}
 * wrote it, and its class name in {@code event_type}). At start, before the first resubmission, each
 * such publication is turned into outbox rows: the event read back, its CloudEvent written as the
 * row's {@code payload} (a row that has one keeps it; a missing row is inserted PENDING and unclaimed),
 * and the publication deleted, in one transaction per publication. Running on several consoles at
 * once is harmless: both steps are idempotent. A publication that cannot be read is left and logged.
 * The publications are read in pages of {@value #PAGE} in publication order (keyset, so a page left
 * behind by unreadable ones is not read again), never all at once.
 * The table stays (this reads it) until a later release drops it.
 */
class LegacyPublications {

    private static final Logger log = LoggerFactory.getLogger(LegacyPublications.class);

    private static final Map<String, Class<?>> EVENT_TYPES = Map.of(
            MemberChanged.class.getName(), MemberChanged.class,
            MembersImported.class.getName(), MembersImported.class,
            SettingsChanged.class.getName(), SettingsChanged.class);

    private static final String UPSERT = """
            insert into forwarded_events (event_id, event_type, subject, occurred_at, actor, status, updated_at,
                sequence, payload)
            values (?, ?, ?, ?, ?, 'PENDING', ?, ?, ?)
            on conflict (event_id) do update set payload = coalesce(forwarded_events.payload, excluded.payload)""";

    static final int PAGE = 500;

    private record Publication(UUID id, String eventType, String serialized, Timestamp publishedAt) {
    }

    private final JdbcTemplate jdbc;
    private final TransactionTemplate transactions;
    private final ObjectMapper json;
    private final Clock clock;

    LegacyPublications(JdbcTemplate jdbc, TransactionTemplate transactions, ObjectMapper json, Clock clock) {
        this.jdbc = jdbc;
        this.transactions = transactions;
        this.json = json;
        this.clock = clock;
    }

    /** Moves every incomplete publication into the outbox; returns how many. */
    int moveIntoOutbox() {
        if (!Boolean.TRUE.equals(jdbc.queryForObject("select to_regclass('event_publication') is not null",
                Boolean.class))) {
            return 0;
        }
        int moved = 0;
        Publication last = null;
        List<Publication> page;
        do {
            page = nextPage(last);
            for (Publication publication : page) {
                moved += moveOne(publication) ? 1 : 0;
            }
            last = page.isEmpty() ? last : page.get(page.size() - 1);
        } while (page.size() == PAGE);
        if (moved > 0) {
            log.info("Moved {} incomplete event publication(s) of an earlier version into the outbox", moved);
        }
        return moved;
    }

    private List<Publication> nextPage(Publication after) {
        String select = "select id, event_type, serialized_event, publication_date from event_publication"
                + " where completion_date is null";
        String order = " order by publication_date, id limit " + PAGE;
        return after == null
                ? jdbc.query(select + order, this::publication)
                : jdbc.query(select + " and (publication_date, id) > (?, ?)" + order, this::publication,
                        after.publishedAt(), after.id());
    }

    private Publication publication(java.sql.ResultSet rs, int row) throws java.sql.SQLException {
        return new Publication(rs.getObject("id", UUID.class), rs.getString("event_type"),
                rs.getString("serialized_event"), rs.getTimestamp("publication_date"));
    }

    private boolean moveOne(Publication publication) {
        try {
            List<ForwardableEvent> events = eventsOf(publication);
            transactions.executeWithoutResult(tx -> {
                for (ForwardableEvent event : events) {
                    jdbc.update(UPSERT, event.id(), event.type(), event.subject(), Timestamp.from(event.time()),
                            event.actor() == null || event.actor().length() <= 64 ? event.actor()
                                    : event.actor().substring(0, 64),
                            Timestamp.from(clock.instant()), event.sequence(),
                            new String(event.payload(), StandardCharsets.UTF_8));
                }
                jdbc.update("delete from event_publication where id = ?", publication.id());
            });
            return true;
        } catch (Exception e) {
            log.warn("Could not move event publication {} ({}) into the outbox; left as is: {}",
                    publication.id(), publication.eventType(), e.toString());
            return false;
        }
    }

    private List<ForwardableEvent> eventsOf(Publication publication) throws Exception {
        Class<?> type = EVENT_TYPES.get(publication.eventType());
        if (type == null) {
            throw new IllegalArgumentException("not an event this console forwards");
        }
        Object event = json.readValue(publication.serialized(), type);
        List<ForwardableEvent> events;
        if (event instanceof MembersImported batch) {
            events = ForwardableEvents.of(batch);
        } else if (event instanceof MemberChanged changed) {
            events = List.of(ForwardableEvents.of(changed));
        } else {
            events = List.of(ForwardableEvents.of((SettingsChanged) event));
        }
        return events.stream().map(e -> ForwardableEvents.written(e, json)).toList();
    }
}
