package memberstream.base.ui;

import static org.assertj.core.api.Assertions.assertThat;

import com.vaadin.flow.component.textfield.TextField;
import org.junit.jupiter.api.Test;

class LengthCounterTest {

    @Test
    void countsFollowTheValueAndNameWhatIsMissingOrTooMuch() {
        var field = new TextField();
        LengthCounter.count(field, 3, 10);
        assertThat(field.getHelperText()).isEqualTo("0/10 (at least 3)");

        field.setValue("ab");
        assertThat(field.getHelperText()).isEqualTo("2/10 (at least 3)");
        field.setValue("abcdef");
        assertThat(field.getHelperText()).isEqualTo("6/10");
        field.setValue("abcdefghijkl");
        assertThat(field.getHelperText()).isEqualTo("12/10 (2 too many)");
        assertThat(field.getValue()).hasSize(12);
        assertThat(field.getMaxLength()).as("never cut by the browser").isZero();
    }

    @Test
    void withoutAMinimumOnlyTheCountShows() {
        assertThat(LengthCounter.text(0, 0, 64)).isEqualTo("0/64");
        assertThat(LengthCounter.text(65, 0, 64)).isEqualTo("65/64 (1 too many)");
    }
}
