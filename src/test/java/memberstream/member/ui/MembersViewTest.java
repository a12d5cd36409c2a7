package memberstream.member.ui;

import static com.github.mvysny.kaributesting.v10.LocatorJ._assertNone;
import static com.github.mvysny.kaributesting.v10.LocatorJ._click;
import static com.github.mvysny.kaributesting.v10.LocatorJ._get;
import static com.github.mvysny.kaributesting.v10.LocatorJ._setValue;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.mvysny.kaributesting.v10.GridKt;
import com.github.mvysny.kaributesting.v10.NotificationsKt;
import com.github.mvysny.kaributesting.v10.ShortcutsKt;
import com.github.mvysny.kaributesting.v10.pro.ConfirmDialogKt;
import com.vaadin.flow.component.Key;
import com.vaadin.flow.component.KeyModifier;
import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.confirmdialog.ConfirmDialog;
import com.vaadin.flow.component.notification.Notification;
import com.vaadin.flow.component.textfield.EmailField;
import com.vaadin.flow.component.textfield.TextField;
import java.time.LocalDate;
import java.util.List;
import java.util.UUID;
import memberstream.AbstractViewTest;
import memberstream.member.Member;
import memberstream.member.MemberFilter;
import memberstream.member.MemberRole;
import memberstream.member.MemberService;
import memberstream.member.MemberStatus;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.data.domain.PageRequest;
import org.springframework.data.domain.Sort;

/**
 * The members view driven as a person would, over the real service and database. The database is
 * shared with other tests, so every test works with members tagged uniquely and filters by the tag.
 */
class MembersViewTest extends AbstractViewTest {

    @Autowired
    MemberService members;

    String tag;

    @BeforeEach
    void tag() {
        tag = UUID.randomUUID().toString().substring(0, 8);
    }

    @Test
    void createsAMemberThatShowsInTheGridAndTheUrl() {
        loginAsAdmin();
        UI.getCurrent().navigate(MembersView.class, "new");

        fill("Ada Lovelace " + tag, "ada-" + tag + "@example.org");
        _click(_get(Button.class, spec -> spec.withText("Save")));

        Member saved = onlyMemberTagged();
        assertThat(saved.getFullName()).isEqualTo("Ada Lovelace " + tag);
        assertThat(saved.getRole()).isEqualTo(MemberRole.MEMBER);
        assertThat(saved.getStatus()).isEqualTo(MemberStatus.ACTIVE);
        NotificationsKt.expectNotifications("Saved Ada Lovelace " + tag + ".");
        assertThat(currentPath()).isEqualTo("members/" + saved.getId());

        searchFor(tag);
        MembersView view = _get(MembersView.class);
        assertThat(GridKt._size(view.grid)).isEqualTo(1);
        assertThat(GridKt._get(view.grid, 0).getEmail()).isEqualTo("ada-" + tag + "@example.org");
        assertThat(view.toolbar.count.getText()).isEqualTo("1 member");
    }

    @Test
    void editsTheMemberNamedInTheUrl() {
        loginAsAdmin();
        Member stored = members.create(member("Grace Hopper " + tag, "grace-" + tag + "@example.org"));
        UI.getCurrent().navigate(MembersView.class, String.valueOf(stored.getId()));

        assertThat(_get(TextField.class, spec -> spec.withLabel("Full name")).getValue())
                .isEqualTo("Grace Hopper " + tag);
        assertThat(_get(MembersView.class).grid.asSingleSelect().getValue().getId()).isEqualTo(stored.getId());

        _setValue(_get(TextField.class, spec -> spec.withLabel("Full name")), "Grace B. Hopper " + tag);
        _click(_get(Button.class, spec -> spec.withText("Save")));

        Member saved = members.find(stored.getId()).orElseThrow();
        assertThat(saved.getFullName()).isEqualTo("Grace B. Hopper " + tag);
        assertThat(saved.getVersion()).isEqualTo(stored.getVersion() + 1);
    }

    @Test
    void invalidInputShowsFieldErrorsAndStoresNothing() {
        loginAsAdmin();
        UI.getCurrent().navigate(MembersView.class, "new");

        fill("   ", "not an email " + tag);
        _setValue(_get(TextField.class, spec -> spec.withLabel("Phone")), "call me");
        _click(_get(Button.class, spec -> spec.withText("Save")));

        TextField fullName = _get(TextField.class, spec -> spec.withLabel("Full name"));
        EmailField email = _get(EmailField.class, spec -> spec.withLabel("Email"));
        TextField phone = _get(TextField.class, spec -> spec.withLabel("Phone"));
        assertThat(fullName.isInvalid()).isTrue();
        assertThat(fullName.getErrorMessage()).isEqualTo("Enter the member's full name");
        assertThat(email.isInvalid()).isTrue();
        assertThat(phone.isInvalid()).isTrue();
        assertThat(members.count(new MemberFilter(tag, null, null))).isZero();
        assertThat(currentPath()).isEqualTo("members/new");
    }

    @Test
    void aTakenEmailIsAnErrorOnTheEmailField() {
        loginAsAdmin();
        members.create(member("Alan Turing " + tag, "alan-" + tag + "@example.org"));
        UI.getCurrent().navigate(MembersView.class, "new");

        fill("Someone Else " + tag, "ALAN-" + tag + "@Example.org");
        _click(_get(Button.class, spec -> spec.withText("Save")));

        EmailField email = _get(EmailField.class, spec -> spec.withLabel("Email"));
        assertThat(email.isInvalid()).isTrue();
        assertThat(email.getErrorMessage()).isEqualTo("Another member already uses this email address");
        assertThat(members.count(new MemberFilter(tag, null, null))).isEqualTo(1);
    }

    @Test
    void deleteAsksFirstThenDeletes() {
        loginAsAdmin();
        Member stored = members.create(member("Grace Hopper " + tag, "grace-" + tag + "@example.org"));
        UI.getCurrent().navigate(MembersView.class, String.valueOf(stored.getId()));

        _click(_get(Button.class, spec -> spec.withText("Delete")));
        ConfirmDialog confirm = _get(ConfirmDialog.class);
        assertThat(ConfirmDialogKt.getHeader(confirm)).isEqualTo("Delete Grace Hopper " + tag + "?");
        assertThat(members.find(stored.getId())).isPresent();

        ConfirmDialogKt._fireConfirm(confirm);

        assertThat(members.find(stored.getId())).isEmpty();
        NotificationsKt.expectNotifications("Deleted Grace Hopper " + tag + ".");
        assertThat(currentPath()).isEqualTo("members");
    }

    @Test
    void cancellingTheDeleteKeepsTheMember() {
        loginAsAdmin();
        Member stored = members.create(member("Grace Hopper " + tag, "grace-" + tag + "@example.org"));
        UI.getCurrent().navigate(MembersView.class, String.valueOf(stored.getId()));

        _click(_get(Button.class, spec -> spec.withText("Delete")));
        ConfirmDialogKt._fireCancel(_get(ConfirmDialog.class));

        assertThat(members.find(stored.getId())).isPresent();
    }

    @Test
    void deletingAMemberSomeoneElseDeletedSaysSo() {
        loginAsAdmin();
        Member stored = members.create(member("Grace Hopper " + tag, "grace-" + tag + "@example.org"));
        UI.getCurrent().navigate(MembersView.class, String.valueOf(stored.getId()));
        members.delete(stored.getId());

        _click(_get(Button.class, spec -> spec.withText("Delete")));
        ConfirmDialogKt._fireConfirm(_get(ConfirmDialog.class));

        NotificationsKt.expectNotifications("This member no longer exists: someone else deleted it.");
        assertThat(currentPath()).isEqualTo("members");
    }

    @Test
    void savingOverSomeoneElsesChangeOffersAReloadAndOverwritesNothing() {
        loginAsAdmin();
        Member stored = members.create(member("Grace Hopper " + tag, "grace-" + tag + "@example.org"));
        UI.getCurrent().navigate(MembersView.class, String.valueOf(stored.getId()));
        // The person edits first: an untouched form would be refreshed to their version, pushed.
        _setValue(_get(TextField.class, spec -> spec.withLabel("Full name")), "My Edit " + tag);
        Member theirs = member("Their Edit " + tag, "grace-" + tag + "@example.org");
        members.update(stored.getId(), stored.getVersion(), theirs);

        _click(_get(Button.class, spec -> spec.withText("Save")));

        ConfirmDialog conflict = _get(ConfirmDialog.class);
        assertThat(ConfirmDialogKt.getHeader(conflict)).isEqualTo("Member changed meanwhile");
        assertThat(ConfirmDialogKt.getText(conflict)).contains("changed by someone else");
        assertThat(members.find(stored.getId()).orElseThrow().getFullName()).isEqualTo("Their Edit " + tag);

        ConfirmDialogKt._fireConfirm(conflict);

        assertThat(_get(TextField.class, spec -> spec.withLabel("Full name")).getValue())
                .isEqualTo("Their Edit " + tag);
    }

    @Test
    void aViewerSeesMembersButNoEditControls() {
        loginAsAdmin();
        Member stored = members.create(member("Grace Hopper " + tag, "grace-" + tag + "@example.org"));
        loginAsViewer();
        UI.getCurrent().navigate(MembersView.class, String.valueOf(stored.getId()));

        TextField fullName = _get(TextField.class, spec -> spec.withLabel("Full name"));
        assertThat(fullName.getValue()).isEqualTo("Grace Hopper " + tag);
        assertThat(fullName.isReadOnly()).isTrue();
        _assertNone(Button.class, spec -> spec.withText("Save"));
        _assertNone(Button.class, spec -> spec.withText("Delete"));
        _assertNone(Button.class, spec -> spec.withText("New member"));

        UI.getCurrent().navigate(MembersView.class, "new");
        NotificationsKt.expectNotifications("Only admins can add members.");
        assertThat(currentPath()).isEqualTo("members");
    }

    @Test
    void anUnknownIdInTheUrlSaysSoAndShowsTheList() {
        loginAsAdmin();
        UI.getCurrent().navigate(MembersView.class, "999999999");

        NotificationsKt.expectNotifications("There is no member 999999999. Someone may have deleted it.");
        assertThat(currentPath()).isEqualTo("members");
        assertThat(_get(MembersView.class).form.isVisible()).isFalse();
    }

    @Test
    void searchAndFiltersNarrowTheGridAndTheCount() {
        loginAsAdmin();
        members.create(member("Alan Turing " + tag, "alan-" + tag + "@example.org"));
        Member board = member("Barbara Liskov " + tag, "barbara-" + tag + "@example.org");
        board.setRole(MemberRole.BOARD);
        board.setStatus(MemberStatus.SUSPENDED);
        members.create(board);
        UI.getCurrent().navigate(MembersView.class);
        MembersView view = _get(MembersView.class);

        searchFor(tag);
        assertThat(GridKt._size(view.grid)).isEqualTo(2);
        assertThat(view.toolbar.count.getText()).isEqualTo("2 members");
        assertThat(GridKt._get(view.grid, 0).getFullName()).startsWith("Alan");

        _setValue(view.toolbar.roleFilter, MemberRole.BOARD);
        assertThat(GridKt._size(view.grid)).isEqualTo(1);
        assertThat(GridKt._get(view.grid, 0).getFullName()).startsWith("Barbara");

        _setValue(view.toolbar.roleFilter, null);
        _setValue(view.toolbar.statusFilter, MemberStatus.ACTIVE);
        assertThat(GridKt._size(view.grid)).isEqualTo(1);
        assertThat(GridKt._get(view.grid, 0).getFullName()).startsWith("Alan");

        searchFor("ALAN-" + tag);
        assertThat(view.toolbar.count.getText()).isEqualTo("1 member");
    }

    @Test
    void keyboardShortcutsStartANewMemberAndSaveIt() {
        loginAsAdmin();
        UI.getCurrent().navigate(MembersView.class);

        ShortcutsKt.fireShortcut(Key.KEY_N, KeyModifier.ALT);
        assertThat(currentPath()).isEqualTo("members/new");

        fill("Shortcut Person " + tag, "shortcut-" + tag + "@example.org");
        ShortcutsKt.fireShortcut(Key.KEY_S, KeyModifier.CONTROL);

        assertThat(onlyMemberTagged().getFullName()).isEqualTo("Shortcut Person " + tag);
    }

    @Test
    void scrollingOnSeeksEachPageFromTheLastRowServedAndMissesNoRow() {
        loginAsAdmin();
        for (int i = 0; i < 130; i++) {
            // Names repeat (60 distinct): rows with equal names are ordered by id, across page ends too.
            members.create(member(String.format("Scroll %02d %s", i % 60, tag), "scroll-" + i + "-" + tag + "@example.org"));
        }
        UI.getCurrent().navigate(MembersView.class);
        MembersView view = _get(MembersView.class);
        searchFor(tag);

        assertThat(GridKt._size(view.grid)).isEqualTo(130);
        assertThat(view.toolbar.count.getText()).isEqualTo("130 members");
        List<Member> expected = members.list(new MemberFilter(tag, null, null),
                PageRequest.of(0, 200, Sort.by("fullName")));
        for (int row = 0; row < 130; row++) {
            assertThat(GridKt._get(view.grid, row).getId()).as("row %d", row).isEqualTo(expected.get(row).getId());
        }
        assertThat(view.pages.remembered()).isPositive();
    }

    private void fill(String fullName, String email) {
        _setValue(_get(TextField.class, spec -> spec.withLabel("Full name")), fullName);
        _setValue(_get(EmailField.class, spec -> spec.withLabel("Email")), email);
    }

    private void searchFor(String text) {
        _setValue(_get(TextField.class, spec -> spec.withPlaceholder("Search name or email")), text);
    }

    private Member onlyMemberTagged() {
        List<Member> tagged = members.list(new MemberFilter(tag, null, null), PageRequest.of(0, 10));
        assertThat(tagged).hasSize(1);
        return tagged.get(0);
    }

    private static String currentPath() {
        return UI.getCurrent().getInternals().getActiveViewLocation().getPath();
    }

    private static Member member(String fullName, String email) {
        return new Member(fullName, email, MemberRole.MEMBER, MemberStatus.ACTIVE, LocalDate.of(2024, 1, 1));
    }

    @SuppressWarnings("unused")
    private static List<Notification> notifications() {
        return NotificationsKt.getNotifications();
    }
}
