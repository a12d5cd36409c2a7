package memberstream.live.tail.ui;

import static com.github.mvysny.kaributesting.v10.LocatorJ._find;
import static com.github.mvysny.kaributesting.v10.LocatorJ._get;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.mvysny.kaributesting.v10.MockVaadin;
import com.vaadin.flow.component.ComponentUtil;
import com.vaadin.flow.component.PollEvent;
import com.vaadin.flow.component.Svg;
import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.Span;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.UUID;
import memberstream.AbstractViewTest;
import memberstream.Eventually;
import memberstream.TestUsers;
import memberstream.member.Member;
import memberstream.member.MemberRole;
import memberstream.member.MemberService;
import memberstream.member.MemberStatus;
import memberstream.security.Role;
import memberstream.settings.SettingsService;
import memberstream.settings.SettingsUpdate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.context.SecurityContextHolder;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;
import memberstream.aws.AwsClients;
import memberstream.live.tail.LiveFeed;
import memberstream.live.tail.LiveRecord;
import memberstream.live.tail.LiveStatus;

class LiveViewTest extends AbstractViewTest {

    @Autowired
    MemberService members;

    @Autowired
    LiveFeed feed;

    @Autowired
    SettingsService settings;

    @Autowired
    AwsClients aws;

    /** Keeps the consumer reading through each test, as an open live tail would (it reads only while watched). */
    private Runnable watching;

    /** Other tests share this context and may have switched events to Firehose or to another stream. */
    @BeforeEach
    void eventsGoToTheMembersStream() {
        watching = routeToKinesis(settings, feed);
    }

    @AfterEach
    void stopWatching() {
        watching.run();
    }

    /**
     * Points Settings at the members stream and waits until the consumer reads it, watching the feed so
     * that it does (the test config lets it idle 1 s after the last watcher). Run the returned action to
     * stop watching.
     */
    static Runnable routeToKinesis(SettingsService settings, LiveFeed feed) {
        Runnable watching = feed.watch();
        TestUsers.runAsAdmin(() -> settings.update(new SettingsUpdate(false, "members", "members-delivery", null)));
        Eventually.within(Duration.ofSeconds(30), "the consumer reading the members stream", () ->
                "members".equals(feed.status().streamName()) && feed.status().state() == LiveStatus.State.READING);
        return watching;
    }

    /**
     * Issue #11: while nobody watches the consumer reads nothing; a member saved then is in the stream but
     * not in the feed; opening the live tail catches up, and the grid and the chart show it.
     */
    @Test
    void whatWasSavedWhileNobodyWatchedIsShownWhenTheTailIsOpened() {
        Instant start = Instant.now().minusSeconds(60);
        watching.run(); // this test's watcher leaves: nobody watches
        Eventually.within(Duration.ofSeconds(60), "the consumer idle", () -> feed.status().state() == LiveStatus.State.IDLE);
        String email = "idle-" + UUID.randomUUID() + "@example.org";
        Member created = asAdmin(() -> members.create(member(email)));
        Eventually.within(Duration.ofSeconds(30), "the created event forwarded to the stream",
                () -> inMembersStream(String.valueOf(created.getId()), start));
        assertThat(feed.recent(feed.capacity())).as("nothing read while idle").noneMatch(r -> email.equals(memberEmail(r)));
        assertThat(feed.status().state()).isEqualTo(LiveStatus.State.IDLE);

        loginAsViewer();
        UI.getCurrent().navigate(LiveView.class);
        @SuppressWarnings("unchecked")
        Grid<LiveRecord> grid = _get(Grid.class, spec -> spec.withId("live-records"));
        Eventually.within(Duration.ofSeconds(30), "the caught-up event in the tail's grid", () -> {
            MockVaadin.clientRoundtrip();
            return grid.getGenericDataView().getItems().anyMatch(r -> email.equals(memberEmail(r)));
        });
        Eventually.within(Duration.ofSeconds(10), "reading again", () -> {
            MockVaadin.clientRoundtrip();
            return _get(Span.class, spec -> spec.withId("live-status")).getText().startsWith("Reading");
        });
        Eventually.within(Duration.ofSeconds(5), "the chart redrawn with it", () -> {
            ComponentUtil.fireEvent(UI.getCurrent(), new PollEvent(UI.getCurrent(), true));
            return svg("events-per-minute").contains(">created<");
        });
        watching = feed.watch(); // released after the test, as the others' is
    }

    /** Whether the stream holds a record with this partition key that arrived since {@code since}. */
    private boolean inMembersStream(String partitionKey, Instant since) {
        KinesisClient kinesis = aws.kinesis();
        for (Shard shard : kinesis.listShards(r -> r.streamName("members")).shards()) {
            String iterator = kinesis.getShardIterator(r -> r.streamName("members").shardId(shard.shardId())
                    .shardIteratorType(ShardIteratorType.AT_TIMESTAMP).timestamp(since)).shardIterator();
            for (int call = 0; call < 20 && iterator != null; call++) {
                String current = iterator;
                GetRecordsResponse page = kinesis.getRecords(r -> r.shardIterator(current));
                if (page.records().stream().anyMatch(r -> partitionKey.equals(r.partitionKey()))) {
                    return true;
                }
                if (page.records().isEmpty() && Long.valueOf(0).equals(page.millisBehindLatest())) {
                    break;
                }
                iterator = page.nextShardIterator();
            }
        }
        return false;
    }

    @Test
    void aMembersChangeIsPushedIntoTheTailWithWhereItSatInTheStream() {
        loginAsViewer();
        UI.getCurrent().navigate(LiveView.class);
        String email = "tail-" + UUID.randomUUID() + "@example.org";

        Member created = asAdmin(() -> members.create(member(email)));
        // The feed hands the record to the view with UI.access, after it is in the feed: wait for the
        // grid itself, running the queued UI tasks on each look.
        @SuppressWarnings("unchecked")
        Grid<LiveRecord> grid = _get(Grid.class, spec -> spec.withId("live-records"));
        Eventually.within(Duration.ofSeconds(20), "the created event in the tail's grid", () -> {
            MockVaadin.clientRoundtrip();
            return grid.getGenericDataView().getItems().anyMatch(r -> email.equals(memberEmail(r)));
        });
        LiveRecord row = grid.getGenericDataView().getItems().filter(r -> email.equals(memberEmail(r)))
                .findFirst().orElseThrow();
        assertThat(row.eventType()).endsWith("created");
        assertThat(row.member()).contains(String.valueOf(created.getId()));
        assertThat(row.shardId()).startsWith("shardId-");
        assertThat(row.sequenceNumber()).matches("\\d+");
        assertThat(row.partitionKey()).isNotBlank();
        assertThat(row.delay()).isNotNull().isLessThan(Duration.ofSeconds(20));
        assertThat(_get(Span.class, spec -> spec.withId("live-status")).getText()).startsWith("Reading")
                .contains("through enhanced fan-out (consumer memberstream-live-");
        assertThat(feed.status().state()).isEqualTo(LiveStatus.State.READING);
        Eventually.within(Duration.ofSeconds(5), "the chart redrawn on the UI poll", () -> {
            ComponentUtil.fireEvent(UI.getCurrent(), new PollEvent(UI.getCurrent(), true));
            return svg("events-per-minute").contains(">created<");
        });
        assertThat(svg("lag-per-shard")).contains("shardId-");

        // An update carries only what it changed (here the phone); the tail still names the member by e-mail.
        Member changes = created.copy();
        changes.setPhone("+44 20 7946 0001");
        asAdmin(() -> members.update(created.getId(), created.getVersion(), changes));
        Eventually.within(Duration.ofSeconds(20), "the updated event in the live feed", () -> feed.recent(feed.capacity())
                .stream().anyMatch(r -> r.eventType().endsWith("updated") && r.partitionKey().equals(String.valueOf(created.getId()))));
        LiveRecord updated = feed.recent(feed.capacity()).stream()
                .filter(r -> r.eventType().endsWith("updated") && r.partitionKey().equals(String.valueOf(created.getId())))
                .findFirst().orElseThrow();
        assertThat(updated.member()).isEqualTo(email + " (" + created.getId() + ")");
    }

    @Test
    void aBurstOfDeletesIsHighlighted() {
        loginAsViewer();
        UI.getCurrent().navigate(LiveView.class);
        // Other tests in this shared context delete members too, and the baseline is their average rate
        // since the consumer started (minutes, when the suite runs fast): the burst must stand well above it.
        int burst = 60;
        List<Member> doomed = asAdmin(() -> java.util.stream.IntStream.range(0, burst)
                .mapToObj(i -> members.create(member("burst-" + UUID.randomUUID() + "@example.org"))).toList());
        asAdmin(() -> {
            doomed.forEach(m -> members.delete(m.getId()));
            return null;
        });

        Eventually.within(Duration.ofSeconds(20), "a deleted burst in the analytics", () -> feed.analytics().anomalies()
                .stream().anyMatch(a -> a.type().endsWith("deleted") && a.count() >= burst / 2)); // may straddle a minute
        // The banner is redrawn with the charts: on a pushed record once the refresh interval allows, or on a poll.
        Eventually.within(Duration.ofSeconds(5), "the banner shown", () -> {
            MockVaadin.clientRoundtrip();
            ComponentUtil.fireEvent(UI.getCurrent(), new PollEvent(UI.getCurrent(), true));
            return !_find(Div.class, spec -> spec.withId("anomaly")).isEmpty();
        });
        assertThat(_get(Div.class, spec -> spec.withId("anomaly")).getText()).startsWith("Anomaly: ").contains("events in the minute");
        Eventually.within(Duration.ofSeconds(5), "the burst drawn", () -> {
            ComponentUtil.fireEvent(UI.getCurrent(), new PollEvent(UI.getCurrent(), true));
            return svg("events-per-minute").contains("burst: ");
        });
    }

    @Test
    void onAPhoneTheChartsAreDrawnAtItsWidthAndTheGridKeepsThreeColumns() {
        loginAsViewer();
        UI.getCurrent().navigate(LiveView.class);
        LiveView view = _get(LiveView.class);
        @SuppressWarnings("unchecked")
        Grid<LiveRecord> grid = _get(Grid.class, spec -> spec.withId("live-records"));

        view.fitTo(390);
        assertThat(view.chartWidth()).isEqualTo(356);
        assertThat(svg("events-per-minute")).contains("viewBox=\"0 0 356 260\"");
        assertThat(svg("lag-per-shard")).contains("viewBox=\"0 0 356 ");
        assertThat(grid.getColumns()).filteredOn(Grid.Column::isVisible).extracting(Grid.Column::getHeaderText)
                .containsExactly("Arrived (UTC)", "Event", "Member");

        view.fitTo(1440);
        assertThat(view.chartWidth()).isEqualTo(720);
        assertThat(svg("events-per-minute")).contains("viewBox=\"0 0 720 260\"");
        assertThat(grid.getColumns()).filteredOn(Grid.Column::isVisible).hasSize(7);
    }

    private static String svg(String id) {
        return _get(Svg.class, spec -> spec.withId(id)).getElement().getProperty("innerHTML");
    }

    private static String memberEmail(LiveRecord record) {
        String member = record.member();
        return member == null ? null : member.split(" ")[0];
    }

    static Member member(String email) {
        return new Member("Live Tail", email, MemberRole.MEMBER, MemberStatus.ACTIVE, LocalDate.of(2025, 1, 1));
    }

    static <T> T asAdmin(java.util.function.Supplier<T> action) {
        var before = SecurityContextHolder.getContext();
        var admin = SecurityContextHolder.createEmptyContext();
        admin.setAuthentication(UsernamePasswordAuthenticationToken.authenticated("admin", null,
                List.of(new SimpleGrantedAuthority(Role.ADMIN.authority()))));
        SecurityContextHolder.setContext(admin);
        try {
            return action.get();
        } finally {
            SecurityContextHolder.setContext(before);
        }
    }

    @Test
    void whileEventsGoToFirehoseTheTailSaysSo() {
        loginAsAdmin();
        UI.getCurrent().navigate(LiveView.class);
        com.github.mvysny.kaributesting.v10.LocatorJ._assertNone(Div.class, spec -> spec.withId("sink-hint"));
        TestUsers.runAsAdmin(() -> settings.update(new SettingsUpdate(true, "members", "members-delivery",
                settings.current().version())));
        _get(LiveView.class).redrawIfDue();
        Div hint = _get(Div.class, spec -> spec.withId("sink-hint"));
        assertThat(hint.getText()).contains("go to Firehose now").contains("members-delivery");
        assertThat(_get(Span.class, spec -> spec.withId("live-status")).getText())
                .contains("nothing new arrives while events go to Firehose");
    }
}
