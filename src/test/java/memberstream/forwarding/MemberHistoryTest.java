package memberstream.forwarding;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.UUID;
import memberstream.ConsoleTest;
import memberstream.Eventually;
import memberstream.member.Member;
import memberstream.member.MemberChanged;
import memberstream.member.MemberRole;
import memberstream.member.MemberService;
import memberstream.member.MemberStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.authority.AuthorityUtils;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;

/**
 * A member's history through the real service, database and embedded Kinesis: every change with its
 * before and after values, who and when, newest first, where its event landed, and all of it still
 * there after the member is deleted.
 */
@ConsoleTest
class MemberHistoryTest {

    @Autowired
    MemberService members;

    @Autowired
    MemberHistory history;

    @Autowired
    memberstream.settings.SettingsService settings;

    @BeforeEach
    void loginAsAdmin() {
        SecurityContext admin = SecurityContextHolder.createEmptyContext();
        admin.setAuthentication(UsernamePasswordAuthenticationToken.authenticated(
                "history-admin", null, AuthorityUtils.createAuthorityList("ROLE_ADMIN")));
        SecurityContextHolder.setContext(admin);
        // Other tests share this context and may have switched events to Firehose or another stream.
        settings.update(new memberstream.settings.SettingsUpdate(false, "members", "members-delivery", null));
    }

    @AfterEach
    void logout() {
        SecurityContextHolder.clearContext();
    }

    @Test
    void recordsEveryChangeNewestFirstWithWhereItWentAndKeepsItAfterTheDelete() {
        String tag = UUID.randomUUID().toString().substring(0, 8);
        Member created = members.create(new Member("Ada " + tag, "ada-" + tag + "@example.org", MemberRole.MEMBER,
                MemberStatus.PENDING, LocalDate.of(2020, 5, 1)));
        Member changes = created.copy();
        changes.setStatus(MemberStatus.ACTIVE);
        changes.setPhone("+44 1");
        members.update(created.getId(), created.getVersion(), changes);
        members.delete(created.getId());

        List<MemberHistory.Entry> entries = history.of(created.getId());

        assertThat(entries).extracting(MemberHistory.Entry::type).containsExactly(
                MemberChanged.Type.DELETED, MemberChanged.Type.UPDATED, MemberChanged.Type.CREATED);
        assertThat(entries).extracting(MemberHistory.Entry::actor).containsOnly("history-admin");
        assertThat(entries.get(1).changes()).containsExactly(
                new MemberHistory.FieldChange("phone", null, "+44 1"),
                new MemberHistory.FieldChange("status", "PENDING", "ACTIVE"));
        assertThat(entries.get(2).changes()).contains(new MemberHistory.FieldChange("fullName", null, "Ada " + tag));
        assertThat(entries.get(0).changes()).contains(new MemberHistory.FieldChange("email", "ada-" + tag + "@example.org", null));

        Eventually.within(Duration.ofSeconds(30), "all three events delivered", () -> history.of(created.getId())
                .stream().allMatch(entry -> entry.destination().status() == DeliveryStatus.DELIVERED));
        for (MemberHistory.Entry entry : history.of(created.getId())) {
            MemberHistory.Destination where = entry.destination();
            assertThat(where.sink()).isEqualTo(SinkKind.KINESIS);
            assertThat(where.shardId()).startsWith("shardId-");
            assertThat(where.sequenceNumber()).isNotBlank();
            assertThat(where.describe()).startsWith("Delivered to Kinesis stream " + where.destination() + ", shardId-");
        }
    }

    @Test
    void aMemberWithNoRecordedChangesHasAnEmptyHistory() {
        assertThat(history.of(Long.MAX_VALUE)).isEmpty();
    }
}
