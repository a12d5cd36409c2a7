package memberstream.live.tail;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class MemberEmailsTest {

    private final MemberEmails emails = new MemberEmails(2);

    private static CloudEventSummary event(String type, String subject, String changes) {
        return CloudEventSummary.parse(("{\"type\":\"io.memberstream.member." + type + "\",\"subject\":\"" + subject
                + "\",\"data\":{\"changes\":{" + changes + "}}}").getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void anUpdateIsNamedByTheEmailOfTheMembersEarlierEvents() {
        emails.fillIn(event("created", "42", "\"email\":{\"before\":null,\"after\":\"ada@example.org\"}"));
        assertThat(emails.fillIn(event("updated", "42", "\"phone\":{\"before\":null,\"after\":\"1\"}")).member())
                .isEqualTo("ada@example.org (42)");

        // an update that changes the e-mail names it by the new one, and so do later ones
        assertThat(emails.fillIn(event("updated", "42", "\"email\":{\"before\":\"ada@example.org\",\"after\":\"ada@lovelace.org\"}"))
                .member()).isEqualTo("ada@lovelace.org (42)");
        assertThat(emails.fillIn(event("updated", "42", "\"status\":{\"before\":\"ACTIVE\",\"after\":\"INACTIVE\"}"))
                .member()).isEqualTo("ada@lovelace.org (42)");

        // a member never seen keeps the fallback
        assertThat(emails.fillIn(event("updated", "7", "\"phone\":{\"before\":null,\"after\":\"1\"}")).member())
                .isEqualTo("member 7");
    }

    @Test
    void aDeleteForgetsTheMemberAndTheLeastRecentlySeenGoFirst() {
        emails.fillIn(event("created", "1", "\"email\":{\"before\":null,\"after\":\"one@example.org\"}"));
        emails.fillIn(event("deleted", "1", "\"email\":{\"before\":\"one@example.org\",\"after\":null}"));
        assertThat(emails.size()).isZero();
        assertThat(emails.fillIn(event("updated", "1", "\"phone\":{\"before\":null,\"after\":\"1\"}")).member())
                .isEqualTo("member 1");

        emails.fillIn(event("created", "2", "\"email\":{\"before\":null,\"after\":\"two@example.org\"}"));
        emails.fillIn(event("created", "3", "\"email\":{\"before\":null,\"after\":\"three@example.org\"}"));
        emails.fillIn(event("updated", "2", "\"phone\":{\"before\":null,\"after\":\"1\"}")); // 2 seen again
        emails.fillIn(event("created", "4", "\"email\":{\"before\":null,\"after\":\"four@example.org\"}"));
        assertThat(emails.size()).isEqualTo(2);
        assertThat(emails.fillIn(event("updated", "2", "\"role\":{\"before\":\"A\",\"after\":\"B\"}")).member())
                .isEqualTo("two@example.org (2)");
        assertThat(emails.fillIn(event("updated", "3", "\"role\":{\"before\":\"A\",\"after\":\"B\"}")).member())
                .isEqualTo("member 3");
    }
}
