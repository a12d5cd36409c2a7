package memberstream.forwarding.ui;

import static org.assertj.core.api.Assertions.assertThat;

import memberstream.base.ui.NavbarBadge.Status;
import memberstream.base.ui.NavbarBadge.Tone;
import org.junit.jupiter.api.Test;

class PendingEventsBadgeTest {

    @Test
    void nothingPendingIsGreen() {
        assertThat(PendingEventsBadge.status(0))
                .isEqualTo(new Status("0 pending", Tone.SUCCESS, "Every event has been delivered"));
    }

    @Test
    void pendingEventsAskForAttentionAndPointToTheEventLog() {
        Status status = PendingEventsBadge.status(3);
        assertThat(status.text()).isEqualTo("3 pending");
        assertThat(status.tone()).isEqualTo(Tone.CONTRAST);
        assertThat(status.tooltip()).startsWith("3 event(s) committed and not yet delivered");
    }
}
