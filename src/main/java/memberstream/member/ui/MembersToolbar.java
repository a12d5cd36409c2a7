package memberstream.member.ui;

import com.vaadin.flow.component.ComponentEvent;
import com.vaadin.flow.component.ComponentEventListener;
import com.vaadin.flow.component.Key;
import com.vaadin.flow.component.KeyModifier;
import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.icon.VaadinIcon;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.select.Select;
import com.vaadin.flow.component.textfield.TextField;
import com.vaadin.flow.data.value.ValueChangeMode;
import com.vaadin.flow.shared.Registration;
import com.vaadin.flow.theme.lumo.LumoUtility;
import java.util.Objects;
import java.util.function.Supplier;
import memberstream.member.Member;
import memberstream.member.MemberFilter;
import memberstream.member.MemberRole;
import memberstream.member.MemberService;
import memberstream.member.MemberStatus;

/**
 * The Members page's controls above the grid: search, role and status filters, the count, Export,
 * and for admins Import and New member. A person's change of search or a filter fires a
 * {@link FilterEvent}; New member fires a {@link NewMemberEvent}; {@link #show} sets the controls from
 * the URL without firing. On a phone the controls wrap onto more lines. UI thread only.
 */
final class MembersToolbar extends HorizontalLayout {

    final TextField search = new TextField();
    final Select<MemberRole> roleFilter = new Select<>();
    final Select<MemberStatus> statusFilter = new Select<>();
    final Span count = new Span();
    final Button newMember = new Button("New member", VaadinIcon.PLUS.create());

    MembersToolbar(MemberService members, Grid<Member> grid, Supplier<MemberFilter> filter, boolean admin) {
        search.setId("member-search");
        search.setPlaceholder("Search name or email");
        search.setWidth("20em");
        search.setPrefixComponent(VaadinIcon.SEARCH.create());
        search.setClearButtonVisible(true);
        search.setValueChangeMode(ValueChangeMode.LAZY);
        search.setAriaLabel("Search name or email");
        search.addValueChangeListener(event -> filterChanged(event.isFromClient()));

        roleFilter.setId("member-role-filter");
        roleFilter.setPlaceholder("Any role");
        roleFilter.setAriaLabel("Role");
        roleFilter.setItems(MemberRole.values());
        roleFilter.setEmptySelectionAllowed(true);
        roleFilter.setEmptySelectionCaption("Any role");
        roleFilter.setItemLabelGenerator(role -> role == null ? "Any role" : role.label());
        roleFilter.setWidth("10em");
        roleFilter.addValueChangeListener(event -> filterChanged(event.isFromClient()));

        statusFilter.setId("member-status-filter");
        statusFilter.setPlaceholder("Any status");
        statusFilter.setAriaLabel("Status");
        statusFilter.setItems(MemberStatus.values());
        statusFilter.setEmptySelectionAllowed(true);
        statusFilter.setEmptySelectionCaption("Any status");
        statusFilter.setItemLabelGenerator(status -> status == null ? "Any status" : status.label());
        statusFilter.setWidth("10em");
        statusFilter.addValueChangeListener(event -> filterChanged(event.isFromClient()));

        count.addClassNames(LumoUtility.TextColor.SECONDARY, "member-count");

        newMember.setId("new-member");
        newMember.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        newMember.addClickShortcut(Key.KEY_N, KeyModifier.ALT);
        newMember.setTooltipText("New member (Alt+N)");
        newMember.addClickListener(click -> fireEvent(new NewMemberEvent(this)));
        newMember.setVisible(admin);

        var importMembers = new Button("Import", VaadinIcon.UPLOAD.create(),
                click -> UI.getCurrent().navigate(MemberImportView.class));
        importMembers.setId("members-import");
        importMembers.setVisible(admin);
        add(search, roleFilter, statusFilter, count, new MemberCsvDownload(members, grid, filter), importMembers,
                newMember);
        setWidthFull();
        setDefaultVerticalComponentAlignment(FlexComponent.Alignment.BASELINE);
        expand(count);
        // On a phone the controls wrap onto more lines instead of running off the screen.
        getStyle().set("flex-wrap", "wrap").set("row-gap", "var(--lumo-space-xs)");
        addClassName("members-toolbar");
    }

    /** Shows {@code filter} in the controls; fires nothing. */
    void show(MemberFilter filter) {
        search.setValue(Objects.requireNonNullElse(filter.search(), ""));
        roleFilter.setValue(filter.role());
        statusFilter.setValue(filter.status());
    }

    /** Search takes the whole first line on a phone. */
    void setNarrow(boolean narrow) {
        search.setWidth(narrow ? "100%" : "20em");
    }

    private void filterChanged(boolean byPerson) {
        if (byPerson) {
            fireEvent(new FilterEvent(this, new MemberFilter(search.getValue(), roleFilter.getValue(),
                    statusFilter.getValue())));
        }
    }

    Registration addFilterListener(ComponentEventListener<FilterEvent> listener) {
        return addListener(FilterEvent.class, listener);
    }

    Registration addNewMemberListener(ComponentEventListener<NewMemberEvent> listener) {
        return addListener(NewMemberEvent.class, listener);
    }

    /** A person changed search or a filter; {@link #filter()} is what the controls now say. */
    static final class FilterEvent extends ComponentEvent<MembersToolbar> {
        private final MemberFilter filter;

        FilterEvent(MembersToolbar source, MemberFilter filter) {
            super(source, true);
            this.filter = filter;
        }

        MemberFilter filter() {
            return filter;
        }
    }

    /** A person asked for a new member's form. */
    static final class NewMemberEvent extends ComponentEvent<MembersToolbar> {
        NewMemberEvent(MembersToolbar source) {
            super(source, true);
        }
    }
}
