package memberstream.live.tail;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import memberstream.live.EventTypes;

class CloudEventSummaryTest {

    private static CloudEventSummary parse(String json) {
        return CloudEventSummary.parse(json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void readsAMemberEventAsForwardingWritesIt() {
        CloudEventSummary created = parse("""
                {"specversion":"1.0","id":"e1","source":"/memberstream/members","type":"io.memberstream.member.created",
                 "subject":"42","time":"2026-12-01T10:00:00.123Z","datacontenttype":"application/json",
                 "data":{"memberId":42,"type":"CREATED","changes":{"email":{"before":null,"after":"ada@example.org"}}}}""");

        assertThat(created.type()).isEqualTo("io.memberstream.member.created");
        assertThat(created.member()).isEqualTo("ada@example.org (42)");
        assertThat(created.time()).isEqualTo(Instant.parse("2026-12-01T10:00:00.123Z"));
    }

    @Test
    void aDeleteNamesTheMemberByItsEmailBefore() {
        CloudEventSummary deleted = parse("""
                {"type":"io.memberstream.member.deleted","subject":"7",
                 "data":{"changes":{"email":{"before":"gone@example.org","after":null}}}}""");
        assertThat(deleted.member()).isEqualTo("gone@example.org (7)");
        assertThat(EventTypes.shortName(deleted.type())).isEqualTo("deleted");
    }

    @Test
    void anUpdateWithoutAnEmailIsNamedByTheNameItChangedOrAsMemberWithItsId() {
        CloudEventSummary renamed = parse("""
                {"type":"io.memberstream.member.updated","subject":"42",
                 "data":{"changes":{"fullName":{"before":"Ada","after":"Ada Lovelace"}}}}""");
        assertThat(renamed.email()).isNull();
        assertThat(renamed.member()).isEqualTo("Ada Lovelace (42)");
        assertThat(renamed.withEmail("ada@example.org").member()).isEqualTo("ada@example.org (42)");

        CloudEventSummary phone = parse("""
                {"type":"io.memberstream.member.updated","subject":"42",
                 "data":{"changes":{"phone":{"before":null,"after":"+44 20 7946 0000"}}}}""");
        assertThat(phone.member()).isEqualTo("member 42");
    }

    @Test
    void anythingElseIsUnknownButKept() {
        assertThat(parse("plain text").type()).isEqualTo("unknown");
        assertThat(parse("[1,2]").type()).isEqualTo("unknown");
        assertThat(parse("{\"type\":\"x\",\"time\":\"yesterday\"}").time()).isNull();
        assertThat(parse("{\"type\":\"io.memberstream.settings.changed\",\"subject\":\"settings\"}").member())
                .isEqualTo("settings");
    }
}
