package memberstream.settings.ui;

import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.notification.Notification;
import com.vaadin.flow.component.notification.NotificationVariant;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.router.Menu;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import com.vaadin.flow.spring.security.AuthenticationContext;
import jakarta.annotation.security.PermitAll;
import jakarta.validation.ConstraintViolationException;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Map;
import memberstream.base.ui.MainLayout;
import memberstream.base.ui.MenuOrder;
import memberstream.security.Role;
import memberstream.settings.Settings;
import memberstream.settings.SettingsConflictException;
import memberstream.settings.SettingsService;
import memberstream.settings.SettingsUpdate;

/** Shows the settings to everyone; admins can change them. */
@Route(value = "settings", layout = MainLayout.class)
@PageTitle("Settings | Memberstream")
@Menu(order = MenuOrder.SETTINGS, title = "Settings", icon = "vaadin:cog")
@PermitAll
public class SettingsView extends VerticalLayout {

    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'")
            .withZone(ZoneOffset.UTC);

    private final SettingsService settings;
    private final SettingsForm form = new SettingsForm();
    private final Paragraph lastChange = new Paragraph();
    private final Paragraph destination = new Paragraph();

    public SettingsView(SettingsService settings, AuthenticationContext authentication) {
        this.settings = settings;
        addClassName("settings-view");
        destination.addClassName("destination");
        add(new H2("Settings"), destination);
        configureForm(authentication.hasRole(Role.ADMIN.name()));
        lastChange.addClassName("last-change");
        add(form, lastChange);
        show(settings.current());
    }

    private void configureForm(boolean admin) {
        form.setMaxWidth("40em");
        form.setEditable(admin);
        form.addSaveListener(event -> save(event.update()));
        if (!admin) {
            var readOnly = new Paragraph("You can see the settings; an admin can change them.");
            readOnly.addClassName("read-only-note");
            add(readOnly);
        }
    }

    private void show(Settings current) {
        form.show(current);
        destination.setText("Member events go to " + describeSink(current) + ".");
        lastChange.setText(current.updatedAt() == null
                ? "Default settings; nobody has changed them yet."
                : "Last changed by " + current.updatedBy() + " at " + WHEN.format(current.updatedAt()) + ".");
    }

    private void save(SettingsUpdate update) {
        try {
            Settings saved = settings.update(update);
            show(saved);
            notify("Saved. Member events now go to " + describeSink(saved) + ".", NotificationVariant.LUMO_SUCCESS);
        } catch (ConstraintViolationException invalid) {
            Map<String, String> errors = new LinkedHashMap<>();
            invalid.getConstraintViolations()
                    .forEach(v -> errors.putIfAbsent(v.getPropertyPath().toString(), v.getMessage()));
            form.showFieldErrors(errors);
            notify("Not saved: please correct the marked fields.", NotificationVariant.LUMO_ERROR);
        } catch (SettingsConflictException conflict) {
            show(conflict.current());
            notify(conflict.getMessage() + ". The form now shows their version.", NotificationVariant.LUMO_WARNING);
        }
    }

    private static String describeSink(Settings settings) {
        return (settings.firehose() ? "the Firehose delivery stream \"" : "the Kinesis stream \"")
                + settings.activeStreamName() + "\"";
    }

    private static void notify(String text, NotificationVariant variant) {
        Notification notification = Notification.show(text, 5000, Notification.Position.BOTTOM_START);
        notification.addThemeVariants(variant);
    }
}
