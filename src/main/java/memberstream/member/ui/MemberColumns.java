package memberstream.member.ui;

import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.data.renderer.ComponentRenderer;
import java.util.List;
import memberstream.member.Member;

/** The members grid's columns; their keys are the sort properties and the URL's sort keys. */
final class MemberColumns {

    /** Dropped on a phone: name and status stay. */
    static final List<String> SECONDARY = List.of("email", "role", "joinedOn");

    private MemberColumns() {
    }

    static void addTo(Grid<Member> grid) {
        grid.addColumn(Member::getFullName).setHeader("Name").setSortProperty("fullName")
                .setKey("fullName").setFlexGrow(3).setTooltipGenerator(Member::getFullName);
        grid.addColumn(Member::getEmail).setHeader("Email").setSortProperty("email").setKey("email").setFlexGrow(3)
                .setTooltipGenerator(Member::getEmail);
        // Fixed widths that fit header, sort indicator and the longest value: auto width measured the
        // header alone on an empty first render and cut it to "R…".
        grid.addColumn(member -> member.getRole().label()).setHeader("Role").setSortProperty("role").setKey("role")
                .setWidth("8em").setFlexGrow(0);
        grid.addColumn(new ComponentRenderer<>(MemberColumns::statusBadge)).setHeader("Status")
                .setSortProperty("status").setKey("status").setWidth("8.5em").setFlexGrow(0);
        grid.addColumn(Member::getJoinedOn).setHeader("Joined").setSortProperty("joinedOn").setKey("joinedOn")
                .setWidth("8em").setFlexGrow(0);
        grid.getColumns().forEach(column -> column.setResizable(true));
    }

    private static Span statusBadge(Member member) {
        var badge = new Span(member.getStatus().label());
        String variant = switch (member.getStatus()) {
            case ACTIVE -> "badge success";
            case PENDING -> "badge";
            case SUSPENDED -> "badge error";
            case LEFT -> "badge contrast";
        };
        badge.getElement().getThemeList().add(variant);
        return badge;
    }
}
