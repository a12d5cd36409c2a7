package memberstream.base.ui;

import com.vaadin.flow.component.textfield.TextFieldBase;
import com.vaadin.flow.data.value.ValueChangeMode;

/**
 * Shows a text field's length limit as a counter under it ("12/120"), updated at every keystroke (in
 * LAZY mode a phone's keyboard showed a stale count while the person typed). Text over the limit is
 * kept, counted ("300/120 (180 too many)") and left to validation to refuse, never cut: no
 * {@code maxlength}, since a browser would cut a pasted value silently. UI-thread only, as the field.
 */
public final class LengthCounter {

    private LengthCounter() {
    }

    /** Counts up to {@code max} characters. */
    public static void count(TextFieldBase<?, String> field, int max) {
        count(field, 0, max);
    }

    /** Counts up to {@code max} characters and says when fewer than {@code min} (above 0) are typed. */
    public static void count(TextFieldBase<?, String> field, int min, int max) {
        field.setValueChangeMode(ValueChangeMode.EAGER);
        field.setHelperText(text(0, min, max));
        field.addValueChangeListener(change -> field.setHelperText(
                text(change.getValue() == null ? 0 : change.getValue().length(), min, max)));
    }

    static String text(int length, int min, int max) {
        String count = length + "/" + max;
        if (length > max) {
            return count + " (" + (length - max) + " too many)";
        }
        return length < min ? count + " (at least " + min + ")" : count;
    }
}
