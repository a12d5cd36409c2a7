package memberstream.live.tail;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class FanOutSessionTest {

    @Test
    void aSubscriptionStartsAfterTheLaterOfContinuationAndCheckpoint() {
        String older = "49660000000000000000000000000000000000000000000000000001";
        String newer = "49660000000000000000000000000000000000000000000000000017";
        assertThat(FanOutSession.later(older, newer)).isEqualTo(newer);
        assertThat(FanOutSession.later(newer, older)).isEqualTo(newer);
        assertThat(FanOutSession.later(null, older)).isEqualTo(older);
        assertThat(FanOutSession.later(older, null)).isEqualTo(older);
        assertThat(FanOutSession.later(null, null)).isNull();
        assertThat(FanOutSession.later("not-a-number", older)).isEqualTo(older);
    }
}
