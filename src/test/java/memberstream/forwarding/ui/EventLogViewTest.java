package memberstream.forwarding.ui;

import static com.github.mvysny.kaributesting.v10.LocatorJ._find;
import static com.github.mvysny.kaributesting.v10.LocatorJ._get;
import static com.github.mvysny.kaributesting.v10.LocatorJ._setValue;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.mvysny.kaributesting.v10.GridKt;
import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.select.Select;
import com.vaadin.flow.component.sidenav.SideNavItem;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.textfield.TextField;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import memberstream.AbstractViewTest;
import memberstream.Eventually;
import memberstream.forwarding.EventLogFilter;
import memberstream.forwarding.EventLogService;
import memberstream.base.ui.NavbarBadgeLink;
import memberstream.forwarding.DeliveryStatus;
import memberstream.forwarding.ForwardedEvent;
import memberstream.member.Member;
import memberstream.member.MemberRole;
import memberstream.member.MemberService;
import memberstream.member.MemberStatus;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

class EventLogViewTest extends AbstractViewTest {

    @Autowired
    memberstream.settings.SettingsService sinkSettings;

    /** Other tests share this context and may have switched events to Firehose or another stream. */
    @org.junit.jupiter.api.BeforeEach
    void eventsGoToTheMembersStream() {
        memberstream.TestUsers.runAsAdmin(() -> sinkSettings.update(
                new memberstream.settings.SettingsUpdate(false, "members", "members-delivery", null)));
    }


    @Autowired
    MemberService members;

    @Autowired
    EventLogService eventLog;

    @Test
    void aSavedMemberShowsUpInTheEventLogWithItsStatus() {
        loginAsAdmin();
        Member saved = members.create(new Member("Grace Hopper", "grace-" + UUID.randomUUID() + "@example.org",
                MemberRole.STAFF, MemberStatus.ACTIVE, LocalDate.of(2023, 5, 1)));

        UI.getCurrent().navigate(EventLogView.class);

        List<ForwardedEvent> rows = rows();
        assertThat(rows).filteredOn(e -> e.getSubject().equals(saved.getId().toString()))
                .singleElement()
                .satisfies(e -> {
                    assertThat(e.getEventType()).isEqualTo("io.memberstream.member.created");
                    assertThat(e.getActor()).isEqualTo("admin");
                    assertThat(e.getStatus()).isIn(DeliveryStatus.PENDING, DeliveryStatus.DELIVERED, DeliveryStatus.FAILED);
                });
        assertThat(navLabels()).contains("Event log");
        assertThat(_get(Span.class, spec -> spec.withClasses("event-log-summary")).getText())
                .matches("\\d+ events? · (everything delivered\\.|\\d+ not delivered yet\\.)");
    }

    @Test
    void theStatusFilterShowsOnlyThatStatus() {
        loginAsAdmin();
        members.create(new Member("Filter Me", "filter-" + UUID.randomUUID() + "@example.org",
                MemberRole.MEMBER, MemberStatus.ACTIVE, LocalDate.of(2023, 5, 1)));
        UI.getCurrent().navigate(EventLogView.class);

        @SuppressWarnings("unchecked")
        Select<String> status = _get(Select.class, spec -> spec.withLabel("Status"));
        for (DeliveryStatus wanted : DeliveryStatus.values()) {
            _setValue(status, EventLogView.label(wanted));
            assertThat(rows()).allSatisfy(e -> assertThat(e.getStatus()).isEqualTo(wanted));
        }
        _setValue(status, EventLogView.ALL);
        assertThat(rows()).isNotEmpty();
    }

    @Test
    void theMainLayoutShowsHowManyEventsArePendingAndViewersCannotRetry() {
        loginAsViewer();
        UI.getCurrent().navigate(EventLogView.class);

        NavbarBadgeLink link = _get(NavbarBadgeLink.class, spec -> spec.withClasses("pending-events"));
        assertThat(link.getElement().getTextRecursively()).matches("\\d+ pending");
        assertThat(link.getHref()).isEqualTo("events");
        assertThat(_get(link, Span.class).getElement().getThemeList()).contains("badge", "pill");
        assertThat(link.getElement().getAttribute("title")).isNotBlank();
        assertThat(_find(Button.class, spec -> spec.withText("Retry all undelivered"))).isEmpty();
        assertThat(_find(Button.class, spec -> spec.withText("Retry"))).isEmpty();
    }

    @Test
    void theMemberFilterByEmailCountsExactlyAndARowOpensTheCloudEventAsSent() {
        loginAsAdmin();
        String email = "detail-" + UUID.randomUUID() + "@example.org";
        Member saved = members.create(new Member("Detail Me", email, MemberRole.MEMBER, MemberStatus.ACTIVE,
                LocalDate.of(2023, 5, 1)));
        members.update(saved.getId(), saved.getVersion(), new Member("Detail Me Twice", email, MemberRole.MEMBER,
                MemberStatus.ACTIVE, LocalDate.of(2023, 5, 1)));
        Eventually.within(Duration.ofSeconds(30), "both events delivered", () -> eventLog.count(
                new EventLogFilter(DeliveryStatus.DELIVERED, null, saved.getId().toString(), null, null)) == 2);
        UI.getCurrent().navigate(EventLogView.class);

        _setValue(_get(TextField.class, spec -> spec.withLabel("Member (id or email)")), email);

        assertThat(rows()).extracting(ForwardedEvent::getEventType)
                .containsExactly("io.memberstream.member.updated", "io.memberstream.member.created");
        assertThat(_get(Span.class, spec -> spec.withClasses("event-log-summary")).getText()).startsWith("2 events");
        _setValue(_get(TextField.class, spec -> spec.withLabel("Type")), "member.created");
        assertThat(rows()).extracting(ForwardedEvent::getEventType).containsExactly("io.memberstream.member.created");

        GridKt._clickItem(grid(), 0);

        EventDetailDialog detail = _get(EventDetailDialog.class);
        assertThat(detail.payload.getText()).contains("\"specversion\" : \"1.0\"", "\"subject\" : \""
                + saved.getId() + "\"", email);
        assertThat(GridKt._size(detail.attempts)).isEqualTo(1);
        assertThat(GridKt._getFormattedRow(detail.attempts, 0)).contains("Delivered");
        assertThat(_find(detail, Paragraph.class)).extracting(Paragraph::getText)
                .anySatisfy(text -> assertThat(text).startsWith("Landed in").contains("sequence number"));
    }

    @Test
    void retryAllIsEnabledOnlyWhenSomethingIsUndeliveredAndPhonesSeeFewerColumns() {
        loginAsAdmin();
        // Events of earlier tests may still be on their way: once none is undelivered, nothing is to retry.
        memberstream.Eventually.within(java.time.Duration.ofSeconds(60), "every earlier event delivered",
                () -> eventLog.undelivered() == 0);
        UI.getCurrent().navigate(EventLogView.class);
        EventLogView view = _get(EventLogView.class);

        assertThat(view.retryAll.isEnabled()).isFalse();
        view.fitTo(390);
        assertThat(view.grid.getColumns().stream().filter(Grid.Column::isVisible).count()).isEqualTo(3); // time, member, status
        view.fitTo(1440);
        assertThat(view.grid.getColumns().stream().filter(Grid.Column::isVisible).count()).isEqualTo(9);
    }

    @Test
    void onAPhoneTheFiltersFoldIntoASummaryOfTheActiveOnes() {
        loginAsViewer();
        UI.getCurrent().navigate(EventLogView.class);
        EventLogView view = _get(EventLogView.class);
        assertThat(view.filters.isOpened()).isTrue();
        assertThat(view.filters.getSummaryText()).isEqualTo("Filters: none");

        view.fitTo(390);
        assertThat(view.filters.isOpened()).isFalse();
        view.statusFilter.setValue(EventLogView.label(DeliveryStatus.FAILED));
        view.memberFilter.setValue("42");
        assertThat(view.filters.getSummaryText()).isEqualTo("Filters: Failed · member 42");

        // a phone's keyboard resizes the window: filters opened by hand stay open
        view.filters.setOpened(true);
        view.fitTo(380);
        assertThat(view.filters.isOpened()).isTrue();
        view.fitTo(1440);
        assertThat(view.filters.isOpened()).isTrue();
        view.fitTo(390);
        assertThat(view.filters.isOpened()).isFalse();
        view.statusFilter.setValue(EventLogView.ALL);
        view.memberFilter.setValue("");
        assertThat(view.filters.getSummaryText()).isEqualTo("Filters: none");
    }

    @SuppressWarnings("unchecked")
    private static Grid<ForwardedEvent> grid() {
        return _get(Grid.class, spec -> spec.withClasses("event-log-grid"));
    }

    @SuppressWarnings("unchecked")
    private static List<ForwardedEvent> rows() {
        Grid<ForwardedEvent> grid = _get(Grid.class, spec -> spec.withClasses("event-log-grid"));
        List<ForwardedEvent> rows = new ArrayList<>();
        int size = Math.min(GridKt._size(grid), 200);
        for (int i = 0; i < size; i++) {
            rows.add(GridKt._get(grid, i));
        }
        return rows;
    }

    private static List<String> navLabels() {
        return _find(SideNavItem.class).stream().map(SideNavItem::getLabel).toList();
    }
}
