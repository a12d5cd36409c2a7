package memberstream.settings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import jakarta.validation.ConstraintViolationException;
import memberstream.ConsoleTest;
import memberstream.TestUsers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.authentication.AuthenticationCredentialsNotFoundException;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.authority.AuthorityUtils;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.test.context.event.ApplicationEvents;
import org.springframework.test.context.event.RecordApplicationEvents;

/** The service itself, below any view or controller: it refuses non-admins and invalid input on its own. */
@ConsoleTest
@RecordApplicationEvents
class SettingsServiceTest {

    @Autowired
    SettingsService settings;

    @Autowired
    ApplicationEvents events;

    @AfterEach
    void nobody() {
        SecurityContextHolder.clearContext();
    }

    @Test
    void aViewerCannotChangeSettingsEvenBypassingTheUi() {
        Settings before = settings.current();
        SecurityContextHolder.getContext().setAuthentication(UsernamePasswordAuthenticationToken.authenticated(
                "a-viewer", null, AuthorityUtils.createAuthorityList("ROLE_VIEWER")));

        assertThatThrownBy(() -> settings.update(update(!before.firehose(), "x", null)))
                .isInstanceOf(AccessDeniedException.class);
        assertThat(settings.current()).isEqualTo(before);
    }

    @Test
    void nobodyLoggedInCannotChangeSettings() {
        assertThatThrownBy(() -> settings.update(update(true, "x", null)))
                .isInstanceOf(AuthenticationCredentialsNotFoundException.class);
    }

    @Test
    void anUpdatePublishesTheChangeWithBeforeAndAfter() {
        Settings before = settings.current();
        SettingsUpdate change = update(!before.firehose(), "events-" + before.version(), before.version());

        TestUsers.runAsAdmin(() -> settings.update(change));

        assertThat(events.stream(SettingsChanged.class)).singleElement().satisfies(changed -> {
            assertThat(changed.previous()).isEqualTo(before);
            assertThat(changed.current().firehose()).isEqualTo(!before.firehose());
            assertThat(changed.current().kinesisStreamName()).isEqualTo("events-" + before.version());
            assertThat(changed.current().updatedBy()).isEqualTo("test-setup");
            assertThat(changed.current().version()).isEqualTo(before.version() + 1);
        });
    }

    @Test
    void invalidInputIsRefusedByTheServiceToo() {
        Settings before = settings.current();

        TestUsers.runAsAdmin(() -> assertThatThrownBy(() -> settings.update(update(true, "", null)))
                .isInstanceOf(ConstraintViolationException.class)
                .hasMessageContaining("kinesisStreamName"));
        assertThat(settings.current()).isEqualTo(before);
        assertThat(events.stream(SettingsChanged.class)).isEmpty();
    }

    private static SettingsUpdate update(boolean firehose, String kinesisStreamName, Long version) {
        return new SettingsUpdate(firehose, kinesisStreamName, "delivery", version);
    }
}
