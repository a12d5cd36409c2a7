package memberstream.member.ui;

import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.router.BeforeEnterEvent;
import com.vaadin.flow.router.BeforeEnterObserver;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import com.vaadin.flow.router.RouterLink;
import jakarta.annotation.security.PermitAll;
import memberstream.base.ui.MainLayout;
import memberstream.forwarding.MemberHistory;
import memberstream.member.MemberService;

/**
 * One member's history by id, at {@code /members/{id}/history}: the way to a deleted member's
 * changes (the members list no longer has it). Links to the member while it exists.
 */
@Route(value = "members/:id([0-9]{1,18})/history", layout = MainLayout.class)
@PageTitle("Member history | Memberstream")
@PermitAll
public class MemberHistoryView extends VerticalLayout implements BeforeEnterObserver {

    private final MemberHistory history;
    private final MemberService members;
    final H2 title = new H2();
    final Paragraph status = new Paragraph();
    final MemberHistoryPanel panel = new MemberHistoryPanel();
    private final RouterLink back = new RouterLink("Back to members", MembersView.class);

    public MemberHistoryView(MemberHistory history, MemberService members) {
        this.history = history;
        this.members = members;
        addClassName("member-history-view");
        add(back, title, status, panel);
    }

    @Override
    public void beforeEnter(BeforeEnterEvent event) {
        long id = Long.parseLong(event.getRouteParameters().get("id").orElseThrow());
        title.setText("History of member " + id);
        status.setText(members.find(id)
                .map(member -> member.getFullName() + " <" + member.getEmail() + "> exists; open it from the list.")
                .orElse("This member does not exist (any more): below is what was recorded of it."));
        panel.show(history.of(id));
    }
}
