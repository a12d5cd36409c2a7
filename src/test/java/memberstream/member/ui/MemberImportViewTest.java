package memberstream.member.ui;

import static com.github.mvysny.kaributesting.v10.LocatorJ._assertNone;
import static com.github.mvysny.kaributesting.v10.LocatorJ._click;
import static com.github.mvysny.kaributesting.v10.LocatorJ._find;
import static com.github.mvysny.kaributesting.v10.LocatorJ._get;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.mvysny.kaributesting.v10.GridKt;
import com.github.mvysny.kaributesting.v10.MockVaadin;
import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.button.Button;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;
import memberstream.AbstractViewTest;
import memberstream.Eventually;
import memberstream.member.importing.ImportProblem;
import memberstream.member.importing.MemberImports;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

/** The import page without a browser: report first, nothing saved, then confirm and pushed progress. */
class MemberImportViewTest extends AbstractViewTest {

    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    MemberImports imports;

    String tag;

    @BeforeEach
    void setUp() {
        tag = UUID.randomUUID().toString().substring(0, 8);
    }

    private long saved() {
        return jdbc.queryForObject("select count(*) from members where email like ?", Long.class, tag + "-%");
    }

    @Test
    void badRowsAreReportedAndNothingIsSavedUntilConfirmed() {
        loginAsAdmin();
        UI.getCurrent().navigate(MembersView.class);
        _click(_get(Button.class, spec -> spec.withId("members-import")));
        MemberImportView view = _get(MemberImportView.class);
        String csv = "fullName,email,role,status,joinedOn\n"
                + "Good One," + tag + "-1@example.org,MEMBER,ACTIVE,2024-03-01\n"
                + "Bad Mail,nope,MEMBER,ACTIVE,2024-03-01\n"
                + "Good Two," + tag + "-2@example.org,staff,active,2024-03-02\n";

        view.show(view.checked("members.csv", new ByteArrayInputStream(csv.getBytes(StandardCharsets.UTF_8))));

        assertThat(view.summary.getText()).contains("3 row(s) read: 2 can be imported, 1 refused")
                .contains("Nothing is saved yet");
        assertThat(GridKt._size(view.problems)).isEqualTo(1);
        ImportProblem problem = GridKt._get(view.problems, 0);
        assertThat(problem).isEqualTo(new ImportProblem(3, "email", "Enter a valid email address, like name@example.org"));
        assertThat(saved()).isZero();
        assertThat(view.confirm.getText()).isEqualTo("Import 2 member(s)");

        _click(view.confirm);

        Eventually.within(Duration.ofSeconds(60), "the import to finish", () -> {
            MockVaadin.clientRoundtrip();
            return view.jobText.getText().contains("done");
        });
        assertThat(saved()).isEqualTo(2);
        assertThat(view.jobText.getText()).contains("2 of 2 member(s) saved").contains("1 row(s) refused");
        assertThat(view.progress.getValue()).isEqualTo(1.0);
        assertThat(view.cancel.isVisible()).isFalse();
    }

    @Test
    void aWholeFileRefusalSaysWhyAndOffersNoConfirm() {
        loginAsAdmin();
        UI.getCurrent().navigate(MemberImportView.class);
        MemberImportView view = _get(MemberImportView.class);

        view.show(view.checked("x.csv", new ByteArrayInputStream("name;mail\n".getBytes(StandardCharsets.UTF_8))));

        assertThat(view.summary.getText()).contains("unknown column(s) 'name;mail'").contains("Nothing was saved");
        assertThat(view.confirm.isVisible()).isFalse();
    }

    @Test
    void aReloadedPageShowsTheLastJob() {
        loginAsAdmin();
        UI.getCurrent().navigate(MemberImportView.class);
        MemberImportView view = _get(MemberImportView.class);
        String csv = "fullName,email,role,status,joinedOn\nReload," + tag + "-r@example.org,MEMBER,ACTIVE,2024-03-01\n";
        view.show(view.checked("reload.csv", new ByteArrayInputStream(csv.getBytes(StandardCharsets.UTF_8))));
        _click(view.confirm);
        Eventually.within(Duration.ofSeconds(60), "the import to finish",
                () -> imports.newest().orElseThrow().status().finished());

        UI.getCurrent().getPage().reload();
        UI.getCurrent().navigate(MembersView.class);
        UI.getCurrent().navigate(MemberImportView.class);

        assertThat(_get(MemberImportView.class).jobText.getText()).contains("reload.csv").contains("done");
    }

    @Test
    void aViewerHasNoImportButtonAndCannotOpenThePage() {
        loginAsViewer();
        UI.getCurrent().navigate(MembersView.class);
        _assertNone(Button.class, spec -> spec.withId("members-import"));
        UI.getCurrent().navigate("members/import");
        assertThat(_find(MemberImportView.class)).isEmpty();
        assertThat(_get(memberstream.base.ui.AccessDeniedView.class).getElement().getTextRecursively())
                .contains("needs the admin role");
    }
}
