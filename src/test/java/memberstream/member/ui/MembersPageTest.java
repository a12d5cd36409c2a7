package memberstream.member.ui;

import static com.github.mvysny.kaributesting.v10.LocatorJ._click;
import static com.github.mvysny.kaributesting.v10.LocatorJ._get;
import static com.github.mvysny.kaributesting.v10.LocatorJ._setValue;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.mvysny.kaributesting.v10.GridKt;
import com.github.mvysny.kaributesting.v10.MockVaadin;
import com.github.mvysny.kaributesting.v10.pro.ConfirmDialogKt;
import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.confirmdialog.ConfirmDialog;
import com.vaadin.flow.component.textfield.EmailField;
import com.vaadin.flow.component.textfield.TextField;
import com.vaadin.flow.data.provider.SortDirection;
import com.vaadin.flow.data.value.ValueChangeMode;
import com.vaadin.flow.router.QueryParameters;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import memberstream.AbstractViewTest;
import memberstream.Eventually;
import memberstream.member.InvalidMemberException;
import memberstream.member.Member;
import memberstream.member.MemberFilter;
import memberstream.member.MemberRole;
import memberstream.member.MemberService;
import memberstream.member.MemberStatus;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The members page as issue 11 asked for it: the form says what is wrong in the API's words, limits
 * show while typing, the list lives in the URL, unsaved edits are not lost without asking, the grid
 * refreshes itself, a phone gets a page that fits, and a member's history is shown (also once deleted).
 * Real service and database; every test filters by its own tag.
 */
class MembersPageTest extends AbstractViewTest {

    private static final String EMAIL_MESSAGE = "Enter a valid email address, like name@example.org";

    @Autowired
    MemberService members;

    String tag;

    @BeforeEach
    void tag() {
        tag = UUID.randomUUID().toString().substring(0, 8);
    }

    @Test
    void aMalformedEmailIsRefusedInTheApisWordsAndSaveSaysWhy() {
        loginAsAdmin();
        for (String malformed : List.of("a@b", "not-an-email")) {
            UI.getCurrent().navigate(MembersView.class, "new");
            fill("Ada " + tag, malformed);
            _click(_get(Button.class, spec -> spec.withText("Save")));

            EmailField email = _get(EmailField.class, spec -> spec.withLabel("Email"));
            assertThat(email.isInvalid()).as(malformed).isTrue();
            assertThat(email.getErrorMessage()).as(malformed).isEqualTo(EMAIL_MESSAGE);
            MembersView view = _get(MembersView.class);
            assertThat(view.form.summary.isVisible()).isTrue();
            assertThat(view.form.summary.getText()).startsWith("Not saved: 1 field needs attention.")
                    .contains("Email: " + EMAIL_MESSAGE);
        }
        assertThat(members.count(new MemberFilter(tag, null, null))).isZero();
        // The service (and so the API) refuses the same input with the same message.
        assertThatThrownBy(() -> members.create(member("Ada " + tag, "a@b")))
                .isInstanceOfSatisfying(InvalidMemberException.class, refused -> assertThat(refused.errors())
                        .containsExactly(new InvalidMemberException.FieldError("email", EMAIL_MESSAGE)));
    }

    @Test
    void aTooLongNameIsKeptWholeCountedAndRefusedWithTheLimit() {
        loginAsAdmin();
        UI.getCurrent().navigate(MembersView.class, "new");
        String longName = "N".repeat(300);
        fill(longName, "long-" + tag + "@example.org");

        TextField fullName = _get(TextField.class, spec -> spec.withLabel("Full name"));
        assertThat(fullName.getValue()).hasSize(300);
        assertThat(fullName.getMaxLength()).isZero();
        assertThat(fullName.getHelperText()).isEqualTo("300/120 (180 too many)");
        assertThat(fullName.isInvalid()).isTrue();
        assertThat(fullName.getErrorMessage()).isEqualTo("Use at most 120 characters");

        _click(_get(Button.class, spec -> spec.withText("Save")));
        assertThat(_get(MembersView.class).form.summary.getText()).contains("Full name: Use at most 120 characters");
        assertThat(members.count(new MemberFilter("long-" + tag, null, null))).isZero();

        _setValue(fullName, "Short " + tag);
        assertThat(fullName.getHelperText()).isEqualTo((6 + tag.length()) + "/120");
        assertThat(fullName.isInvalid()).isFalse();
    }

    @Test
    void everyCounterFollowsEachKeystrokeNotTheCommittedValue() {
        loginAsAdmin();
        UI.getCurrent().navigate(MembersView.class, "new");
        MemberForm form = _get(MembersView.class).form;
        for (var field : List.of(form.fullName, form.email, form.phone, form.notes)) {
            assertThat(field.getValueChangeMode()).as(field.getLabel()).isEqualTo(ValueChangeMode.EAGER);
        }
        EmailField email = _get(EmailField.class, spec -> spec.withLabel("Email"));
        assertThat(email.getHelperText()).isEqualTo("0/254");
        _setValue(email, "a");
        assertThat(email.getHelperText()).isEqualTo("1/254");
        _setValue(email, "ab");
        assertThat(email.getHelperText()).isEqualTo("2/254");
    }

    @Test
    void searchFiltersAndSortLiveInTheUrlAndAreRestoredFromIt() {
        loginAsAdmin();
        members.create(new Member("Old " + tag, "old-" + tag + "@example.org", MemberRole.MEMBER, MemberStatus.SUSPENDED,
                LocalDate.of(2001, 1, 1)));
        members.create(new Member("New " + tag, "new-" + tag + "@example.org", MemberRole.MEMBER, MemberStatus.SUSPENDED,
                LocalDate.of(2021, 1, 1)));
        members.create(member("Active " + tag, "active-" + tag + "@example.org"));
        UI.getCurrent().navigate(MembersView.class);
        MembersView view = _get(MembersView.class);

        _setValue(view.toolbar.search, tag);
        assertThat(currentQuery()).isEqualTo(Map.of("q", List.of(tag)));
        _setValue(view.toolbar.statusFilter, MemberStatus.SUSPENDED);
        assertThat(currentQuery()).isEqualTo(Map.of("q", List.of(tag), "status", List.of("suspended")));
        assertThat(GridKt._size(view.grid)).isEqualTo(2);

        // A bookmark (or back) with a sort by join date, newest first: that column alone.
        UI.getCurrent().navigate("members", QueryParameters.fromString("q=" + tag + "&status=suspended&sort=-joinedOn"));
        assertThat(view.grid.getSortOrder()).hasSize(1);
        assertThat(view.grid.getSortOrder().get(0).getSorted().getKey()).isEqualTo("joinedOn");
        assertThat(view.grid.getSortOrder().get(0).getDirection()).isEqualTo(SortDirection.DESCENDING);
        assertThat(GridKt._get(view.grid, 0).getFullName()).isEqualTo("New " + tag);
        assertThat(GridKt._get(view.grid, 1).getFullName()).isEqualTo("Old " + tag);

        UI.getCurrent().navigate("members", QueryParameters.fromString("q=" + tag));
        assertThat(view.toolbar.search.getValue()).isEqualTo(tag);
        assertThat(view.toolbar.statusFilter.getValue()).isNull();
        assertThat(GridKt._size(view.grid)).isEqualTo(3);
        assertThat(GridKt._get(view.grid, 0).getFullName()).isEqualTo("Active " + tag);

        // A plain click on a header sorts by that column alone; shift-click adds a key.
        assertThat(view.grid.isMultiSort()).isTrue();
        assertThat(view.grid.getElement().getProperty("multiSortOnShiftClick", false)).isTrue();
    }

    @Test
    void anEmptyListSaysWhatToDo() {
        loginAsAdmin();
        UI.getCurrent().navigate("members", QueryParameters.fromString("q=nobody-" + tag));
        MembersView view = _get(MembersView.class);

        assertThat(GridKt._size(view.grid)).isZero();
        assertThat(view.emptyState.getText()).isEqualTo("No member matches this search and these filters.");
        _click(_get(Button.class, spec -> spec.withText("Clear filters")));
        assertThat(view.toolbar.search.getValue()).isEmpty();
        assertThat(currentQuery()).isEmpty();
    }

    @Test
    void leavingUnsavedEditsAsksFirst() {
        loginAsAdmin();
        Member first = members.create(member("First " + tag, "first-" + tag + "@example.org"));
        Member second = members.create(member("Second " + tag, "second-" + tag + "@example.org"));
        UI.getCurrent().navigate(MembersView.class, String.valueOf(first.getId()));
        MembersView view = _get(MembersView.class);
        assertThat(view.grid.asSingleSelect().getValue().getId()).isEqualTo(first.getId());
        _setValue(_get(TextField.class, spec -> spec.withLabel("Full name")), "Edited " + tag);

        UI.getCurrent().navigate(MembersView.class, String.valueOf(second.getId()));
        ConfirmDialog ask = _get(ConfirmDialog.class);
        assertThat(ConfirmDialogKt.getHeader(ask)).isEqualTo("Discard unsaved changes?");
        ConfirmDialogKt._fireCancel(ask);
        assertThat(currentPath()).isEqualTo("members/" + first.getId());
        assertThat(_get(TextField.class, spec -> spec.withLabel("Full name")).getValue()).isEqualTo("Edited " + tag);

        // Searching keeps the form and its edits: no question.
        _setValue(view.toolbar.search, tag);
        assertThat(currentPath()).isEqualTo("members/" + first.getId());
        assertThat(_get(TextField.class, spec -> spec.withLabel("Full name")).getValue()).isEqualTo("Edited " + tag);

        UI.getCurrent().navigate(MembersView.class, "new");
        ConfirmDialogKt._fireConfirm(_get(ConfirmDialog.class));
        assertThat(currentPath()).isEqualTo("members/new");
        assertThat(members.find(first.getId()).orElseThrow().getFullName()).isEqualTo("First " + tag);
    }

    @Test
    void theGridRefreshesItselfWhenMembersChangeElsewhere() {
        loginAsAdmin();
        members.create(member("Here " + tag, "here-" + tag + "@example.org"));
        UI.getCurrent().navigate("members", QueryParameters.fromString("q=" + tag));
        MembersView view = _get(MembersView.class);
        assertThat(view.toolbar.count.getText()).isEqualTo("1 member");

        // Another admin (or the API, or an import) adds members: a burst.
        for (int i = 0; i < 5; i++) {
            members.create(member("Elsewhere " + i + " " + tag, "elsewhere-" + i + "-" + tag + "@example.org"));
        }

        Eventually.within(Duration.ofSeconds(10), "the pushed refresh", () -> {
            MockVaadin.clientRoundtrip();
            return view.toolbar.count.getText().equals("6 members");
        });
        assertThat(GridKt._size(view.grid)).isEqualTo(6);
    }

    @Test
    void onAPhoneSecondaryColumnsGoAndTheFormTakesTheScreen() {
        loginAsAdmin();
        UI.getCurrent().navigate(MembersView.class);
        MembersView view = _get(MembersView.class);

        view.adaptToWidth(390);
        assertThat(view.grid.getColumns().stream().filter(column -> column.isVisible()).map(column -> column.getKey()))
                .containsExactly("fullName", "status");
        assertThat(view.toolbar.newMember.isVisible()).isTrue();
        assertThat(view.toolbar.statusFilter.isVisible()).isTrue();

        _click(view.toolbar.newMember);
        assertThat(view.form.isVisible()).isTrue();
        assertThat(view.grid.isVisible()).isFalse();
        assertThat(view.toolbar.isVisible()).isFalse();

        view.adaptToWidth(1440);
        assertThat(view.grid.isVisible()).isTrue();
        assertThat(view.toolbar.isVisible()).isTrue();
        assertThat(view.grid.getColumns().stream().allMatch(column -> column.isVisible())).isTrue();
    }

    @Test
    void theRootAddressShowsTheMembersAddress() {
        loginAsAdmin();
        UI.getCurrent().navigate("", QueryParameters.fromString("continue"));
        assertThat(currentPath()).isEqualTo("members");
    }

    @Test
    void theFormShowsTheMembersHistoryNewestFirstAndADeletedMembersHistoryStaysReachable() {
        loginAsAdmin();
        Member stored = members.create(member("Grace " + tag, "grace-" + tag + "@example.org"));
        Member renamed = stored.copy();
        renamed.setFullName("Grace Hopper " + tag);
        members.update(stored.getId(), stored.getVersion(), renamed);

        UI.getCurrent().navigate(MembersView.class, String.valueOf(stored.getId()));
        MemberHistoryPanel panel = _get(MembersView.class).form.history;
        assertThat(panel.size()).isEqualTo(2);
        String all = panel.getElement().getTextRecursively();
        assertThat(all).contains("Full name: Grace " + tag + " → Grace Hopper " + tag);
        assertThat(all.indexOf("Updated")).isLessThan(all.indexOf("Created"));
        assertThat(all).contains("by " + "admin");

        members.delete(stored.getId());
        UI.getCurrent().navigate(MembersView.class, String.valueOf(stored.getId()));
        assertThat(currentPath()).isEqualTo("members/" + stored.getId() + "/history");
        MemberHistoryView historyView = _get(MemberHistoryView.class);
        assertThat(historyView.panel.size()).isEqualTo(3);
        assertThat(historyView.status.getText()).contains("does not exist");
    }

    private void fill(String fullName, String email) {
        _setValue(_get(TextField.class, spec -> spec.withLabel("Full name")), fullName);
        _setValue(_get(EmailField.class, spec -> spec.withLabel("Email")), email);
    }

    private static String currentPath() {
        return UI.getCurrent().getInternals().getActiveViewLocation().getPath();
    }

    private static Map<String, List<String>> currentQuery() {
        return UI.getCurrent().getInternals().getActiveViewLocation().getQueryParameters().getParameters();
    }

    private static Member member(String fullName, String email) {
        return new Member(fullName, email, MemberRole.MEMBER, MemberStatus.ACTIVE, LocalDate.of(2024, 1, 1));
    }
}
