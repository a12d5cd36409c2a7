package memberstream.security.ui;

import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.combobox.ComboBox;
import com.vaadin.flow.component.dialog.Dialog;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.html.H3;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.notification.Notification;
import com.vaadin.flow.component.notification.NotificationVariant;
import com.vaadin.flow.component.orderedlayout.FlexComponent.Alignment;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.textfield.TextField;
import com.vaadin.flow.spring.data.VaadinSpringDataHelpers;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import memberstream.security.ApiTokenService;
import memberstream.security.ApiTokenSummary;
import memberstream.security.NewApiToken;
import memberstream.security.UserService;
import memberstream.security.UserSummary;
import org.springframework.data.domain.Pageable;
import org.springframework.security.core.userdetails.UsernameNotFoundException;

/** Admins create API tokens for users (each shown once), see when they were last used, and revoke them. */
class ApiTokensPanel extends VerticalLayout {

    static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'")
            .withZone(ZoneOffset.UTC);

    final ComboBox<String> user = new ComboBox<>("User");
    final TextField name = new TextField("Token name (optional)");
    final Button create = new Button("Create token");
    final Grid<ApiTokenSummary> grid = new Grid<>();

    private final transient ApiTokenService tokens;
    private final transient UserService users;

    ApiTokensPanel(ApiTokenService tokens, UserService users) {
        this.tokens = tokens;
        this.users = users;
        addClassName("api-tokens");
        setPadding(false);
        configureForm();
        configureGrid();
        var help = new Paragraph("Scripts send a token as 'Authorization: Bearer <token>' to /api/... and act "
                + "as its user, with that user's role. A token is shown once, when it is created.");
        var form = new HorizontalLayout(user, name, create);
        form.setDefaultVerticalComponentAlignment(Alignment.BASELINE);
        form.setWrap(true); // on a phone the button goes below the fields instead of off the screen
        add(new H3("API tokens"), help, form, grid);
        refresh();
    }

    private void configureForm() {
        user.setRequiredIndicatorVisible(true);
        name.setMaxLength(64);
        create.addClickListener(click -> create());
    }

    private void configureGrid() {
        grid.addColumn(token -> token.name() == null ? "" : token.name()).setHeader("Name");
        grid.addColumn(ApiTokenSummary::username).setHeader("User");
        grid.addColumn(token -> WHEN.format(token.createdAt()) + " by " + token.createdBy()).setHeader("Created")
                .setKey("created");
        grid.addColumn(token -> when(token.lastUsedAt())).setHeader("Last used").setKey("last-used");
        grid.addComponentColumn(token -> {
            var revoke = new Button("Revoke", click -> revoke(token));
            revoke.addThemeVariants(ButtonVariant.LUMO_ERROR, ButtonVariant.LUMO_SMALL);
            return revoke;
        }).setHeader("").setKey("revoke");
        grid.setAllRowsVisible(true);
    }

    /** On a phone the token's name, user and Revoke stay; when it was made and used give way. */
    void fitTo(boolean phone) {
        grid.getColumnByKey("created").setVisible(!phone);
        grid.getColumnByKey("last-used").setVisible(!phone);
    }

    void refresh() {
        user.setItems(users.list(Pageable.ofSize(1000)).stream().map(UserSummary::username).toList());
        grid.setItems(query -> tokens.list(VaadinSpringDataHelpers.toSpringPageRequest(query)).stream());
    }

    private void create() {
        if (user.getValue() == null) {
            user.setInvalid(true);
            user.setErrorMessage("Choose the user the token acts as");
            return;
        }
        try {
            NewApiToken created = tokens.create(user.getValue(), name.getValue());
            name.clear();
            grid.getDataProvider().refreshAll();
            showOnce(created);
        } catch (UsernameNotFoundException | IllegalArgumentException refused) {
            notify(refused.getMessage(), NotificationVariant.LUMO_ERROR);
        }
    }

    private void showOnce(NewApiToken created) {
        var dialog = new Dialog();
        dialog.setHeaderTitle("API token for " + created.summary().username());
        var token = new TextField("Token");
        token.setValue(created.token());
        token.setReadOnly(true);
        token.setWidthFull();
        dialog.add(new Paragraph("Copy it now: it is stored only as a hash and cannot be shown again."), token);
        dialog.getFooter().add(new Button("Done", click -> dialog.close()));
        dialog.setWidth("40em");
        dialog.open();
    }

    private void revoke(ApiTokenSummary token) {
        tokens.revoke(token.id());
        grid.getDataProvider().refreshAll();
        notify("Revoked the token" + (token.name() == null ? "" : " \"" + token.name() + "\"") + " of "
                + token.username() + ".", NotificationVariant.LUMO_SUCCESS);
    }

    static String when(Instant instant) {
        return instant == null ? "never" : WHEN.format(instant);
    }

    static void notify(String text, NotificationVariant variant) {
        Notification notification = Notification.show(text, 5000, Notification.Position.BOTTOM_START);
        notification.addThemeVariants(variant);
    }
}
