package memberstream.settings.ui;

import static com.github.mvysny.kaributesting.v10.LocatorJ._assertNone;
import static com.github.mvysny.kaributesting.v10.LocatorJ._click;
import static com.github.mvysny.kaributesting.v10.LocatorJ._get;
import static com.github.mvysny.kaributesting.v10.LocatorJ._setValue;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.mvysny.kaributesting.v10.NotificationsKt;
import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.checkbox.Checkbox;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.textfield.TextField;
import memberstream.AbstractViewTest;
import memberstream.security.ui.LoginView;
import memberstream.settings.Settings;
import memberstream.settings.SettingsService;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

class SettingsViewTest extends AbstractViewTest {

    @Autowired
    SettingsService settings;

    @Test
    void settingsSwitchPersists() {
        loginAsAdmin();
        UI.getCurrent().navigate(SettingsView.class);
        boolean wasFirehose = settings.current().firehose();

        _setValue(_get(Checkbox.class, spec -> spec.withLabel("Send member events to Firehose instead of Kinesis")),
                !wasFirehose);
        _setValue(_get(TextField.class, spec -> spec.withLabel("Kinesis stream name")), "members-k1");
        _setValue(_get(TextField.class, spec -> spec.withLabel("Firehose delivery stream name")), "members.delivery_1");
        _click(_get(Button.class, spec -> spec.withText("Save")));

        Settings stored = settings.current();
        assertThat(stored.firehose()).isEqualTo(!wasFirehose);
        assertThat(stored.kinesisStreamName()).isEqualTo("members-k1");
        assertThat(stored.firehoseDeliveryStreamName()).isEqualTo("members.delivery_1");
        assertThat(stored.updatedBy()).isEqualTo("admin");
        assertThat(stored.updatedAt()).isNotNull();
        String sink = wasFirehose
                ? "the Kinesis stream \"members-k1\""
                : "the Firehose delivery stream \"members.delivery_1\"";
        NotificationsKt.expectNotifications("Saved. Member events now go to " + sink + ".");
        assertThat(_get(Paragraph.class, spec -> spec.withClasses("destination")).getText())
                .isEqualTo("Member events go to " + sink + ".");

        // a fresh visit shows what was stored, and who changed it
        UI.getCurrent().getPage().reload();
        UI.getCurrent().navigate(SettingsView.class);
        assertThat(_get(Checkbox.class, spec -> spec.withLabel("Send member events to Firehose instead of Kinesis"))
                .getValue()).isEqualTo(!wasFirehose);
        assertThat(_get(TextField.class, spec -> spec.withLabel("Kinesis stream name")).getValue())
                .isEqualTo("members-k1");
        assertThat(_get(Paragraph.class, spec -> spec.withClasses("last-change")).getText())
                .startsWith("Last changed by admin at ");
    }

    @Test
    void invalidStreamNameIsAFieldErrorAndNothingIsStored() {
        loginAsAdmin();
        UI.getCurrent().navigate(SettingsView.class);
        Settings before = settings.current();

        TextField kinesis = _get(TextField.class, spec -> spec.withLabel("Kinesis stream name"));
        _setValue(kinesis, "no spaces allowed");
        _click(_get(Button.class, spec -> spec.withText("Save")));

        assertThat(kinesis.isInvalid()).isTrue();
        assertThat(kinesis.getErrorMessage()).isEqualTo("Use only letters, digits, _ . and -");
        assertThat(settings.current().version()).isEqualTo(before.version());
    }

    @Test
    void viewerSeesSettingsButNoEditControls() {
        loginAsViewer();
        UI.getCurrent().navigate(SettingsView.class);

        _assertNone(Button.class, spec -> spec.withText("Save"));
        _assertNone(Button.class, spec -> spec.withText("Reset"));
        assertThat(_get(TextField.class, spec -> spec.withLabel("Kinesis stream name")).isReadOnly()).isTrue();
        assertThat(_get(Checkbox.class, spec -> spec.withLabel("Send member events to Firehose instead of Kinesis"))
                .isReadOnly()).isTrue();
        assertThat(_get(TextField.class, spec -> spec.withLabel("Kinesis stream name")).getValue())
                .isEqualTo(settings.current().kinesisStreamName());
        _get(Paragraph.class, spec -> spec.withText("You can see the settings; an admin can change them."));
    }

    @Test
    void anonymousVisitorIsSentToTheLoginView() {
        UI.getCurrent().navigate(SettingsView.class);

        _get(LoginView.class);
        _assertNone(SettingsView.class);
    }
}
