package memberstream.member.ui;

import com.vaadin.flow.component.Key;
import com.vaadin.flow.component.KeyModifier;
import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.confirmdialog.ConfirmDialog;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.grid.GridSortOrder;
import com.vaadin.flow.component.grid.dataview.GridLazyDataView;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.icon.VaadinIcon;
import com.vaadin.flow.component.notification.Notification;
import com.vaadin.flow.component.notification.NotificationVariant;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.select.Select;
import com.vaadin.flow.component.textfield.TextField;
import com.vaadin.flow.data.provider.SortDirection;
import com.vaadin.flow.data.renderer.ComponentRenderer;
import com.vaadin.flow.data.value.ValueChangeMode;
import com.vaadin.flow.router.BeforeEvent;
import com.vaadin.flow.router.HasUrlParameter;
import com.vaadin.flow.router.Menu;
import com.vaadin.flow.router.OptionalParameter;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import com.vaadin.flow.router.RouteAlias;
import com.vaadin.flow.spring.data.VaadinSpringDataHelpers;
import com.vaadin.flow.spring.security.AuthenticationContext;
import com.vaadin.flow.theme.lumo.LumoUtility;
import jakarta.annotation.security.PermitAll;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.Optional;
import memberstream.base.ui.MainLayout;
import memberstream.base.ui.MenuOrder;
import memberstream.member.InvalidMemberException;
import memberstream.member.Member;
import memberstream.member.MemberChangedMeanwhileException;
import memberstream.member.MemberCount;
import memberstream.member.MemberFilter;
import memberstream.member.MemberNotFoundException;
import memberstream.member.MemberRole;
import memberstream.member.MemberService;
import memberstream.member.MemberStatus;
import memberstream.security.Role;
import org.springframework.security.access.AccessDeniedException;

/**
 * The members: a lazy grid (one page at a time from the database) with search, role and status
 * filters and a count, and the form beside it. The selection lives in the URL: {@code /members},
 * {@code /members/new}, {@code /members/{id}}, so refresh, back and bookmarks show the same thing.
 * Alt+N starts a new member, Ctrl+S saves, Esc closes the form. Viewers get no edit controls.
 */
@Route(value = "members", layout = MainLayout.class)
@RouteAlias(value = "", layout = MainLayout.class)
@PageTitle("Members | Memberstream")
@Menu(order = MenuOrder.MEMBERS, title = "Members", icon = "vaadin:group")
@PermitAll
public class MembersView extends VerticalLayout implements HasUrlParameter<String> {

    static final String NEW = "new";

    private final MemberService members;
    private final Clock clock;
    private final boolean admin;

    final Grid<Member> grid = new Grid<>(Member.class, false);
    final TextField search = new TextField();
    final Select<MemberRole> roleFilter = new Select<>();
    final Select<MemberStatus> statusFilter = new Select<>();
    final Span count = new Span();
    final Button newMember = new Button("New member", VaadinIcon.PLUS.create());
    final MemberForm form = new MemberForm();

    private MemberFilter filter = MemberFilter.NONE;
    final SeekingMemberPages pages;
    private GridLazyDataView<Member> dataView;

    public MembersView(MemberService members, AuthenticationContext authentication, Clock clock) {
        this.members = members;
        this.clock = clock;
        this.admin = authentication.hasRole(Role.ADMIN.name());
        this.pages = new SeekingMemberPages(members);
        addClassName("members-view");
        setSizeFull();
        configureGrid();
        configureForm();
        add(toolbar(), content());
        closeForm();
    }

    private void configureGrid() {
        grid.addClassName("members-grid");
        grid.setSizeFull();
        var name = grid.addColumn(Member::getFullName).setHeader("Name").setSortProperty("fullName")
                .setKey("fullName").setFlexGrow(3).setTooltipGenerator(Member::getFullName);
        grid.addColumn(Member::getEmail).setHeader("Email").setSortProperty("email").setKey("email").setFlexGrow(3)
                .setTooltipGenerator(Member::getEmail);
        grid.addColumn(member -> member.getRole().label()).setHeader("Role").setSortProperty("role").setKey("role")
                .setAutoWidth(true).setFlexGrow(0);
        grid.addColumn(new ComponentRenderer<>(MembersView::statusBadge)).setHeader("Status")
                .setSortProperty("status").setKey("status").setAutoWidth(true).setFlexGrow(0);
        grid.addColumn(Member::getJoinedOn).setHeader("Joined").setSortProperty("joinedOn").setKey("joinedOn")
                .setAutoWidth(true).setFlexGrow(0);
        grid.getColumns().forEach(column -> column.setResizable(true));
        grid.setMultiSort(true, Grid.MultiSortPriority.APPEND);
        grid.sort(List.of(new GridSortOrder<>(name, SortDirection.ASCENDING)));
        dataView = grid.setItems(query -> pages.fetch(filter, VaadinSpringDataHelpers.toSpringDataSort(query),
                query.getOffset(), query.getLimit()).stream());
        dataView.setIdentifierProvider(Member::getId);
        refreshGrid();
        grid.asSingleSelect().addValueChangeListener(event -> {
            if (event.isFromClient()) {
                navigateTo(event.getValue() == null ? null : String.valueOf(event.getValue().getId()));
            }
        });
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

    /**
     * Counts for the person and the grid, then reloads it. An exact count sizes the grid; above
     * {@link MemberService#EXACT_COUNT_LIMIT} matches the count is an estimate ("about N"), and the grid
     * takes it as one: it scrolls on until a page comes back short.
     */
    private void refreshGrid() {
        pages.forget();
        MemberCount matching = members.countAbout(filter);
        count.setText(matching.label());
        int rows = (int) Math.min(matching.value(), Integer.MAX_VALUE);
        if (matching.exact()) {
            dataView.setItemCountCallback(query -> rows);
        } else {
            dataView.setItemCountUnknown();
            dataView.setItemCountEstimate(Math.max(rows, 1));
        }
        grid.getDataProvider().refreshAll();
    }

    private void configureForm() {
        form.setWidth("26em");
        form.setEditable(admin);
        form.addSaveListener(event -> save(event.member()));
        form.addDeleteListener(event -> confirmDelete(event.member()));
        form.addCloseListener(event -> navigateTo(null));
    }

    private HorizontalLayout toolbar() {
        search.setId("member-search");
        search.setPlaceholder("Search name or email");
        search.setWidth("20em");
        search.setPrefixComponent(VaadinIcon.SEARCH.create());
        search.setClearButtonVisible(true);
        search.setValueChangeMode(ValueChangeMode.LAZY);
        search.setAriaLabel("Search name or email");
        search.addValueChangeListener(event -> applyFilter());

        roleFilter.setPlaceholder("Any role");
        roleFilter.setAriaLabel("Role");
        roleFilter.setItems(MemberRole.values());
        roleFilter.setEmptySelectionAllowed(true);
        roleFilter.setEmptySelectionCaption("Any role");
        roleFilter.setItemLabelGenerator(role -> role == null ? "Any role" : role.label());
        roleFilter.addValueChangeListener(event -> applyFilter());

        statusFilter.setPlaceholder("Any status");
        statusFilter.setAriaLabel("Status");
        statusFilter.setItems(MemberStatus.values());
        statusFilter.setEmptySelectionAllowed(true);
        statusFilter.setEmptySelectionCaption("Any status");
        statusFilter.setItemLabelGenerator(status -> status == null ? "Any status" : status.label());
        statusFilter.addValueChangeListener(event -> applyFilter());

        count.addClassNames(LumoUtility.TextColor.SECONDARY, "member-count");

        newMember.setId("new-member");
        newMember.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        newMember.addClickShortcut(Key.KEY_N, KeyModifier.ALT);
        newMember.setTooltipText("New member (Alt+N)");
        newMember.addClickListener(click -> navigateTo(NEW));
        newMember.setVisible(admin);

        var importMembers = new Button("Import", VaadinIcon.UPLOAD.create(),
                click -> UI.getCurrent().navigate(MemberImportView.class));
        importMembers.setId("members-import");
        importMembers.setVisible(admin);
        var toolbar = new HorizontalLayout(search, roleFilter, statusFilter, count,
                new MemberCsvDownload(members, grid, () -> filter), importMembers, newMember);
        toolbar.setWidthFull();
        toolbar.setDefaultVerticalComponentAlignment(FlexComponent.Alignment.BASELINE);
        toolbar.expand(count);
        toolbar.addClassName("members-toolbar");
        return toolbar;
    }

    private HorizontalLayout content() {
        var content = new HorizontalLayout(grid, form);
        content.setFlexGrow(1, grid);
        content.setFlexShrink(0, form);
        content.setSizeFull();
        return content;
    }

    private void applyFilter() {
        filter = new MemberFilter(search.getValue(), roleFilter.getValue(), statusFilter.getValue());
        refreshGrid();
    }

    /** The URL decides what the form shows: nothing, a new member, or member {id} fresh from the database. */
    @Override
    public void setParameter(BeforeEvent event, @OptionalParameter String parameter) {
        if (parameter == null) {
            closeForm();
        } else if (NEW.equals(parameter)) {
            if (admin) {
                openForm(newMemberDraft());
            } else {
                notify("Only admins can add members.", NotificationVariant.LUMO_CONTRAST);
                event.forwardTo(MembersView.class);
            }
        } else {
            Optional<Member> member = parseId(parameter).flatMap(members::find);
            if (member.isPresent()) {
                openForm(member.get());
            } else {
                notify("There is no member " + parameter + ". Someone may have deleted it.",
                        NotificationVariant.LUMO_CONTRAST);
                event.forwardTo(MembersView.class);
            }
        }
    }

    private static Optional<Long> parseId(String parameter) {
        try {
            return Optional.of(Long.parseLong(parameter));
        } catch (NumberFormatException notAnId) {
            return Optional.empty();
        }
    }

    private Member newMemberDraft() {
        // Today where the server is: the zone in which Bean Validation judges "not in the future".
        LocalDate today = LocalDate.now(clock.withZone(ZoneId.systemDefault()));
        return new Member("", "", MemberRole.MEMBER, MemberStatus.ACTIVE, today);
    }

    private void openForm(Member member) {
        form.edit(member.copy());
        form.setVisible(true);
        if (member.isNew()) {
            grid.asSingleSelect().clear();
        } else {
            grid.select(member);
        }
        addClassName("editing");
    }

    private void closeForm() {
        form.setVisible(false);
        grid.asSingleSelect().clear();
        removeClassName("editing");
    }

    private void save(Member edited) {
        try {
            Member saved = edited.isNew()
                    ? members.create(edited)
                    : members.update(edited.getId(), edited.getVersion(), edited);
            refreshGrid();
            notify("Saved " + saved.getFullName() + ".", NotificationVariant.LUMO_SUCCESS);
            openForm(saved);
            if (edited.isNew()) {
                navigateTo(String.valueOf(saved.getId()));
            }
        } catch (InvalidMemberException refused) {
            form.showErrors(refused.errors());
        } catch (MemberChangedMeanwhileException conflict) {
            offerReload(edited.getId());
        } catch (MemberNotFoundException gone) {
            memberGone();
        } catch (AccessDeniedException denied) {
            notify("Only admins can change members.", NotificationVariant.LUMO_ERROR);
        }
    }

    /** Never overwrites someone else's change: the person reloads, or keeps their edits to copy them. */
    private void offerReload(long id) {
        var dialog = new ConfirmDialog();
        dialog.setHeader("Member changed meanwhile");
        dialog.setText("This member was changed by someone else after you opened it, so your changes were "
                + "not saved. Reload to see the current version (your unsaved edits are discarded), "
                + "or keep editing to copy them first.");
        dialog.setConfirmText("Reload");
        dialog.addConfirmListener(confirm -> reload(id));
        dialog.setCancelable(true);
        dialog.setCancelText("Keep my edits");
        dialog.open();
    }

    private void reload(long id) {
        refreshGrid();
        members.find(id).ifPresentOrElse(this::openForm, this::memberGone);
    }

    private void confirmDelete(Member member) {
        var dialog = new ConfirmDialog();
        dialog.setHeader("Delete " + member.getFullName() + "?");
        dialog.setText("The member " + member.getFullName() + " <" + member.getEmail()
                + "> will be deleted. This cannot be undone.");
        dialog.setCancelable(true);
        dialog.setConfirmText("Delete");
        dialog.setConfirmButtonTheme("error primary");
        dialog.addConfirmListener(confirm -> delete(member));
        dialog.open();
    }

    private void delete(Member member) {
        try {
            members.delete(member.getId());
            notify("Deleted " + member.getFullName() + ".", NotificationVariant.LUMO_SUCCESS);
            refreshGrid();
            navigateTo(null);
        } catch (MemberNotFoundException gone) {
            memberGone();
        } catch (AccessDeniedException denied) {
            notify("Only admins can delete members.", NotificationVariant.LUMO_ERROR);
        }
    }

    private void memberGone() {
        notify("This member no longer exists: someone else deleted it.", NotificationVariant.LUMO_CONTRAST);
        refreshGrid();
        navigateTo(null);
    }

    /** {@code null}: the plain list. */
    private void navigateTo(String parameter) {
        if (parameter == null) {
            UI.getCurrent().navigate(MembersView.class);
        } else {
            UI.getCurrent().navigate(MembersView.class, parameter);
        }
    }

    private static void notify(String message, NotificationVariant variant) {
        var notification = Notification.show(message, 5000, Notification.Position.BOTTOM_START);
        notification.addThemeVariants(variant);
    }
}
