package memberstream.member.ui;

import com.vaadin.flow.component.AttachEvent;
import com.vaadin.flow.component.DetachEvent;
import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.grid.GridSortOrder;
import com.vaadin.flow.component.grid.dataview.GridLazyDataView;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.notification.Notification;
import com.vaadin.flow.component.notification.NotificationVariant;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.Scroller;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.router.BeforeEvent;
import com.vaadin.flow.router.BeforeLeaveEvent;
import com.vaadin.flow.router.BeforeLeaveObserver;
import com.vaadin.flow.router.HasUrlParameter;
import com.vaadin.flow.router.Menu;
import com.vaadin.flow.router.OptionalParameter;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import com.vaadin.flow.router.RouteAlias;
import com.vaadin.flow.router.RouteParameters;
import com.vaadin.flow.shared.Registration;
import com.vaadin.flow.spring.data.VaadinSpringDataHelpers;
import com.vaadin.flow.spring.security.AuthenticationContext;
import jakarta.annotation.security.PermitAll;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import memberstream.base.ui.MainLayout;
import memberstream.base.ui.MenuOrder;
import memberstream.forwarding.MemberHistory;
import memberstream.member.InvalidMemberException;
import memberstream.member.Member;
import memberstream.member.MemberChangedMeanwhileException;
import memberstream.member.MemberCount;
import memberstream.member.MemberFilter;
import memberstream.member.MemberNotFoundException;
import memberstream.member.MemberRole;
import memberstream.member.MemberSearchTooBroadException;
import memberstream.member.MemberService;
import memberstream.member.MemberStatus;
import memberstream.security.Role;
import org.springframework.data.domain.Sort;
import org.springframework.security.access.AccessDeniedException;

/**
 * The members: a lazy grid (one page at a time from the database) with search, role and status
 * filters and a count, and the form beside it (on a phone: instead of it). Everything lives in the
 * URL: the path says what the form shows ({@code /members}, {@code /members/new},
 * {@code /members/{id}}), the query what the list shows ({@link MembersUrlState}), so refresh, back and
 * bookmarks show the same thing. A header click sorts by that column alone, shift-click adds a key.
 * Leaving unsaved edits asks first. The grid refreshes itself, pushed, when members change elsewhere
 * ({@link MemberChangeBroadcaster}), at most once per {@link #REFRESH_INTERVAL_MILLIS}.
 * Alt+N starts a new member, Enter or Ctrl+S saves, Esc closes the form. Viewers get no edit controls.
 */
@Route(value = "members", layout = MainLayout.class)
@RouteAlias(value = "", layout = MainLayout.class)
@PageTitle("Members | Memberstream")
@Menu(order = MenuOrder.MEMBERS, title = "Members", icon = "vaadin:group")
@PermitAll
public class MembersView extends VerticalLayout implements HasUrlParameter<String>, BeforeLeaveObserver {

    static final String NEW = "new";
    /** Below this window width (CSS pixels) the page takes its phone layout. */
    static final int NARROW_WIDTH = 700;
    /** Pushed refreshes of one view are at least this far apart: an import's burst costs a few. */
    static final long REFRESH_INTERVAL_MILLIS = 500;
    private static final String FORM_WIDTH = "27em";

    private final MemberService members;
    private final MemberHistory history;
    private final MemberChangeBroadcaster broadcaster;
    private final Clock clock;
    private final boolean admin;

    final Grid<Member> grid = new Grid<>(Member.class, false);
    final MembersToolbar toolbar;
    final MemberForm form = new MemberForm();
    private final Scroller formScroller = new Scroller(form);
    final Span emptyState = new Span();
    private final Button clearFilters = new Button("Clear filters");

    private MembersUrlState state = new MembersUrlState(MemberFilter.NONE, MembersUrlState.DEFAULT_SORT);
    /** The path shown now, e.g. {@code members/12}: a navigation that keeps it only changes the list. */
    private String currentPath = "members";
    final SeekingMemberPages pages;
    private GridLazyDataView<Member> dataView;
    private boolean narrow;

    private Registration changeRegistration;
    private Registration resizeRegistration;

    public MembersView(MemberService members, MemberHistory history, MemberChangeBroadcaster broadcaster,
                       AuthenticationContext authentication, Clock clock) {
        this.members = members;
        this.history = history;
        this.broadcaster = broadcaster;
        this.clock = clock;
        this.admin = authentication.hasRole(Role.ADMIN.name());
        this.pages = new SeekingMemberPages(members);
        addClassName("members-view");
        setSizeFull();
        toolbar = new MembersToolbar(members, grid, () -> state.filter(), admin);
        toolbar.addFilterListener(event -> showList(new MembersUrlState(event.filter(), state.sort())));
        toolbar.addNewMemberListener(event -> navigateTo(NEW));
        configureGrid();
        configureForm();
        add(toolbar, content());
        closeForm();
    }

    private void configureGrid() {
        grid.addClassName("members-grid");
        grid.setSizeFull();
        MemberColumns.addTo(grid);
        // A click sorts by that column alone; shift-click adds it as the next key.
        grid.setMultiSort(true, Grid.MultiSortPriority.APPEND, true);
        grid.sort(sortOrders(state.sort()));
        dataView = grid.setItems(query -> fetch(VaadinSpringDataHelpers.toSpringDataSort(query), query.getOffset(),
                query.getLimit()));
        dataView.setIdentifierProvider(Member::getId);
        grid.setEmptyStateComponent(emptyStateComponent());
        refreshGrid();
        grid.addSortListener(event -> {
            if (event.isFromClient()) {
                showList(new MembersUrlState(state.filter(), event.getSortOrder().stream()
                        .map(order -> new MembersUrlState.SortKey(order.getSorted().getKey(), order.getDirection()))
                        .toList()));
            }
        });
        grid.asSingleSelect().addValueChangeListener(event -> {
            if (event.isFromClient()) {
                navigateTo(event.getValue() == null ? null : String.valueOf(event.getValue().getId()));
            }
        });
    }

    private Div emptyStateComponent() {
        emptyState.addClassName("members-empty-state");
        clearFilters.addThemeVariants(ButtonVariant.LUMO_TERTIARY);
        clearFilters.addClickListener(click ->
                showList(new MembersUrlState(MemberFilter.NONE, state.sort())));
        var box = new Div(emptyState, clearFilters);
        box.getStyle().set("padding", "var(--lumo-space-l)").set("text-align", "center");
        return box;
    }

    /** A page for the grid; a search too broad to sort in time shows why and leaves the rest empty. */
    private Stream<Member> fetch(Sort sort, long offset, int limit) {
        try {
            return pages.fetch(state.filter(), sort, offset, limit).stream();
        } catch (MemberSearchTooBroadException tooBroad) {
            notify(tooBroad.getMessage(), NotificationVariant.LUMO_CONTRAST);
            return Stream.empty();
        }
    }

    private List<GridSortOrder<Member>> sortOrders(List<MembersUrlState.SortKey> keys) {
        return keys.stream().map(key -> new GridSortOrder<>(grid.getColumnByKey(key.column()), key.direction())).toList();
    }

    /**
     * Counts for the person and the grid, then reloads it. An exact count sizes the grid; above
     * {@link MemberService#EXACT_COUNT_LIMIT} matches the count is an estimate ("about N"), and the grid
     * takes it as one: it scrolls on until a page comes back short. The selection stays (rows are
     * identified by id).
     */
    private void refreshGrid() {
        pages.forget();
        MemberCount matching = members.countAbout(state.filter());
        toolbar.count.setText(matching.label());
        int rows = (int) Math.min(matching.value(), Integer.MAX_VALUE);
        if (matching.exact()) {
            dataView.setItemCountCallback(query -> rows);
        } else {
            dataView.setItemCountUnknown();
            dataView.setItemCountEstimate(Math.max(rows, 1));
        }
        boolean filtered = !state.filter().equals(MemberFilter.NONE);
        emptyState.setText(filtered ? "No member matches this search and these filters."
                : admin ? "No members yet. Add the first one with New member (Alt+N)."
                : "No members yet. An admin can add them.");
        clearFilters.setVisible(filtered);
        grid.getDataProvider().refreshAll();
    }

    private void configureForm() {
        form.setEditable(admin);
        form.addSaveListener(event -> save(event.member()));
        form.addDeleteListener(event -> MemberDialogs.delete(event.member(), () -> delete(event.member())).open());
        form.addCloseListener(event -> navigateTo(null));
        formScroller.addClassName("member-form-scroller");
        formScroller.setScrollDirection(Scroller.ScrollDirection.VERTICAL);
        formScroller.setWidth(FORM_WIDTH);
        formScroller.setHeightFull();
    }

    private HorizontalLayout content() {
        var content = new HorizontalLayout(grid, formScroller);
        content.setFlexGrow(1, grid);
        content.setFlexShrink(0, formScroller);
        // The rest of the height below the toolbar, not 100% of the page: that overflowed, and a phone
        // showed the form's scroll area inside a second one around the page.
        content.setWidthFull();
        content.setMinHeight("0");
        setFlexGrow(1, content);
        return content;
    }

    /** The URL decides: the query what the list shows, the path what the form shows. */
    @Override
    public void setParameter(BeforeEvent event, @OptionalParameter String parameter) {
        if (event.getLocation().getPath().isEmpty()) {
            // "/" (where login lands, as "/?continue") is this view too: show its own URL, so the menu
            // item is marked and reloads keep the list.
            event.forwardTo(MembersView.class);
            return;
        }
        MembersUrlState wanted = MembersUrlState.from(event.getLocation().getQueryParameters());
        boolean onlyTheListChanged = form.isVisible() && event.getLocation().getPath().equals(currentPath)
                && !wanted.equals(state);
        currentPath = event.getLocation().getPath();
        applyListState(wanted);
        if (onlyTheListChanged) {
            return; // the form keeps the member and the person's edits
        }
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
            Optional<Long> id = parseId(parameter);
            Optional<Member> member = id.flatMap(members::find);
            if (member.isPresent()) {
                openForm(member.get());
            } else if (id.isPresent() && !history.of(id.get()).isEmpty()) {
                notify("Member " + parameter + " was deleted. Here is its history.", NotificationVariant.LUMO_CONTRAST);
                event.forwardTo(MemberHistoryView.class, new RouteParameters("id", parameter));
            } else {
                notify("There is no member " + parameter + ". Someone may have deleted it.",
                        NotificationVariant.LUMO_CONTRAST);
                event.forwardTo(MembersView.class);
            }
        }
    }

    /** Shows the list the URL asks for; the controls follow without navigating again. */
    private void applyListState(MembersUrlState wanted) {
        if (!wanted.filter().equals(state.filter()) || !wanted.sort().equals(state.sort())) {
            boolean sortChanged = !wanted.sort().equals(state.sort());
            state = wanted;
            toolbar.show(wanted.filter());
            if (sortChanged && !currentSort().equals(wanted.sort())) {
                grid.sort(sortOrders(wanted.sort()));
            }
            refreshGrid();
        }
    }

    private List<MembersUrlState.SortKey> currentSort() {
        return grid.getSortOrder().stream()
                .map(order -> new MembersUrlState.SortKey(order.getSorted().getKey(), order.getDirection())).toList();
    }

    /** Asks before leaving unsaved edits: another row, New, Close, another page. */
    @Override
    public void beforeLeave(BeforeLeaveEvent event) {
        if (!admin || !form.isVisible() || !form.hasChanges() || event.getLocation().getPath().equals(currentPath)) {
            return;
        }
        BeforeLeaveEvent.ContinueNavigationAction leave = event.postpone();
        MemberDialogs.discardChanges(form.member(), () -> {
            form.discardChanges();
            leave.proceed();
        }, this::selectEdited).open();
    }

    private void selectEdited() {
        Member edited = form.member();
        if (edited == null || edited.isNew()) {
            grid.asSingleSelect().clear();
        } else {
            grid.select(edited);
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
        if (!member.isNew()) {
            form.history.show(history.of(member.getId()));
        }
        form.setVisible(true);
        formScroller.setVisible(true);
        if (member.isNew()) {
            grid.asSingleSelect().clear();
        } else {
            grid.select(member);
        }
        addClassName("editing");
        layoutContent();
    }

    private void closeForm() {
        form.setVisible(false);
        formScroller.setVisible(false);
        grid.asSingleSelect().clear();
        removeClassName("editing");
        layoutContent();
    }

    /** Adapts the page to a window {@code width} CSS pixels wide: on a phone fewer columns, the form alone. */
    void adaptToWidth(int width) {
        narrow = width < NARROW_WIDTH;
        for (String secondary : MemberColumns.SECONDARY) {
            grid.getColumnByKey(secondary).setVisible(!narrow);
        }
        toolbar.setNarrow(narrow);
        formScroller.setWidth(narrow ? "100%" : FORM_WIDTH);
        layoutContent();
    }

    /** On a phone the open form takes the screen alone: no list, no toolbar above it. */
    private void layoutContent() {
        boolean formAlone = narrow && form.isVisible();
        grid.setVisible(!formAlone);
        toolbar.setVisible(!formAlone);
    }

    @Override
    protected void onAttach(AttachEvent attach) {
        UI ui = attach.getUI();
        var refresh = new CoalescedRefresh(ui, this::refreshPushed, broadcaster, REFRESH_INTERVAL_MILLIS);
        changeRegistration = broadcaster.register(refresh::signal);
        resizeRegistration = ui.getPage().addBrowserWindowResizeListener(resize -> adaptToWidth(resize.getWidth()));
        ui.getPage().retrieveExtendedClientDetails(details -> adaptToWidth(details.getWindowInnerWidth()));
    }

    @Override
    protected void onDetach(DetachEvent detach) {
        if (changeRegistration != null) {
            changeRegistration.remove();
        }
        if (resizeRegistration != null) {
            resizeRegistration.remove();
        }
    }

    /** Under the UI's lock: the list anew, and the open member if it changed and the person has no edits. */
    void refreshPushed() {
        refreshGrid();
        Member shown = form.member();
        if (form.isVisible() && shown != null && !shown.isNew() && !form.hasChanges()) {
            members.find(shown.getId()).ifPresent(fresh -> {
                if (fresh.getVersion() != shown.getVersion()) {
                    form.edit(fresh.copy());
                }
                form.history.show(history.of(fresh.getId()));
            });
        }
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
            MemberDialogs.changedMeanwhile(() -> reload(edited.getId())).open();
        } catch (MemberNotFoundException gone) {
            memberGone();
        } catch (AccessDeniedException denied) {
            notify("Only admins can change members.", NotificationVariant.LUMO_ERROR);
        }
    }

    private void reload(long id) {
        refreshGrid();
        members.find(id).ifPresentOrElse(this::openForm, this::memberGone);
    }

    private void delete(Member member) {
        try {
            members.delete(member.getId());
            notify("Deleted " + member.getFullName() + ".", NotificationVariant.LUMO_SUCCESS);
            form.discardChanges();
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
        form.discardChanges();
        refreshGrid();
        navigateTo(null);
    }

    /** Shows member {@code parameter} ({@code null}: none, {@link #NEW}: a new one), keeping the list. */
    private void navigateTo(String parameter) {
        UI.getCurrent().navigate(parameter == null ? "members" : "members/" + parameter, state.toQueryParameters());
    }

    /** Shows {@code wanted} as the list, keeping the form: a new history entry, so back returns. */
    private void showList(MembersUrlState wanted) {
        String path = currentPath.isEmpty() ? "members" : currentPath;
        UI.getCurrent().navigate(path, wanted.toQueryParameters());
    }

    private static void notify(String message, NotificationVariant variant) {
        var notification = Notification.show(message, 5000, Notification.Position.BOTTOM_START);
        notification.addThemeVariants(variant);
    }
}
