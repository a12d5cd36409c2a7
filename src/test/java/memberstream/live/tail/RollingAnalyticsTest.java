package memberstream.live.tail;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import memberstream.MutableClock;
import org.junit.jupiter.api.Test;

class RollingAnalyticsTest {

    private static final String CREATED = "memberstream.member.created";
    private static final String DELETED = "memberstream.member.deleted";

    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-01T10:00:30Z"));
    private final RollingAnalytics analytics = new RollingAnalytics(clock, Duration.ofMinutes(30), 10, 3.0, 5);

    @Test
    void countsEventsPerMinuteByType() {
        analytics.record(CREATED, clock.instant());
        analytics.record(CREATED, clock.instant());
        analytics.record(DELETED, clock.instant().minusSeconds(60));

        RollingAnalytics.Snapshot snapshot = analytics.snapshot();

        assertThat(snapshot.minutes()).hasSize(30);
        assertThat(snapshot.minutes().get(29)).isEqualTo(Instant.parse("2026-12-01T10:00:00Z"));
        assertThat(snapshot.countsByType().get(CREATED)[29]).isEqualTo(2);
        assertThat(snapshot.countsByType().get(DELETED)[28]).isEqualTo(1);
        assertThat(snapshot.total(29)).isEqualTo(2);
        assertThat(snapshot.max()).isEqualTo(2);
    }

    @Test
    void countsARecordWithoutArrivalTimeOrTypeInsteadOfFailing() {
        analytics.record(CREATED, null);
        analytics.record(null, clock.instant());

        RollingAnalytics.Snapshot snapshot = analytics.snapshot();

        assertThat(snapshot.countsByType().get(CREATED)[29]).isEqualTo(1);
        assertThat(snapshot.countsByType().get(RollingAnalytics.UNKNOWN_TYPE)[29]).isEqualTo(1);
    }

    @Test
    void forgetsMinutesThatLeaveTheWindowAndIgnoresEventsOutsideIt() {
        analytics.record(CREATED, clock.instant());
        analytics.record(CREATED, clock.instant().minus(Duration.ofHours(2)));
        analytics.record(CREATED, clock.instant().plus(Duration.ofMinutes(5)));
        assertThat(analytics.snapshot().max()).isEqualTo(1);

        clock.advance(Duration.ofMinutes(30));

        assertThat(analytics.snapshot().countsByType()).isEmpty();
    }

    @Test
    void flagsABurstOfDeletesWellAboveTheRecentRate() {
        for (int minute = 10; minute >= 1; minute--) {
            analytics.record(DELETED, clock.instant().minus(Duration.ofMinutes(minute)));
            analytics.record(CREATED, clock.instant().minus(Duration.ofMinutes(minute)));
            analytics.record(CREATED, clock.instant().minus(Duration.ofMinutes(minute)));
        }
        assertThat(analytics.snapshot().anomalies()).isEmpty();

        for (int i = 0; i < 8; i++) {
            analytics.record(DELETED, clock.instant());
        }

        RollingAnalytics.Snapshot snapshot = analytics.snapshot();
        assertThat(snapshot.anomalies()).singleElement().satisfies(anomaly -> {
            assertThat(anomaly.type()).isEqualTo(DELETED);
            assertThat(anomaly.count()).isEqualTo(8);
            assertThat(anomaly.baselinePerMinute()).isEqualTo(1.0);
            assertThat(anomaly.minute()).isEqualTo(Instant.parse("2026-12-01T10:00:00Z"));
        });
        assertThat(snapshot.latestAnomaly().orElseThrow().describe()).contains("8 deleted events");
    }

    @Test
    void aSteadyHighRateIsNotAnAnomaly() {
        for (int minute = 10; minute >= 0; minute--) {
            for (int i = 0; i < 20; i++) {
                analytics.record(CREATED, clock.instant().minus(Duration.ofMinutes(minute)));
            }
        }
        // the first busy minute stands out against an empty past; the steady ones after it do not
        assertThat(analytics.snapshot().anomalies()).hasSize(1)
                .allSatisfy(a -> assertThat(a.minute()).isEqualTo(Instant.parse("2026-12-01T09:50:00Z")));
    }

    @Test
    void afewEventsOnAQuietStreamAreNotABurst() {
        for (int i = 0; i < 4; i++) {
            analytics.record(DELETED, clock.instant());
        }
        assertThat(analytics.snapshot().anomalies()).isEmpty();
    }
}
