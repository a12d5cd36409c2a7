package memberstream.member.ui;

import com.vaadin.flow.component.confirmdialog.ConfirmDialog;
import memberstream.member.Member;

/** The questions the members view asks before it loses or overwrites something. */
final class MemberDialogs {

    private MemberDialogs() {
    }

    /** Never overwrites someone else's change: the person reloads, or keeps their edits to copy them. */
    static ConfirmDialog changedMeanwhile(Runnable reload) {
        var dialog = new ConfirmDialog();
        dialog.setHeader("Member changed meanwhile");
        dialog.setText("This member was changed by someone else after you opened it, so your changes were "
                + "not saved. Reload to see the current version (your unsaved edits are discarded), "
                + "or keep editing to copy them first.");
        dialog.setConfirmText("Reload");
        dialog.addConfirmListener(confirm -> reload.run());
        dialog.setCancelable(true);
        dialog.setCancelText("Keep my edits");
        return dialog;
    }

    static ConfirmDialog delete(Member member, Runnable delete) {
        var dialog = new ConfirmDialog();
        dialog.setHeader("Delete " + member.getFullName() + "?");
        dialog.setText("The member " + member.getFullName() + " <" + member.getEmail()
                + "> will be deleted. This cannot be undone.");
        dialog.setCancelable(true);
        dialog.setConfirmText("Delete");
        dialog.setConfirmButtonTheme("error primary");
        dialog.addConfirmListener(confirm -> delete.run());
        return dialog;
    }

    /** Leaving a form with unsaved edits: {@code discard} them and go, or {@code keep} editing. */
    static ConfirmDialog discardChanges(Member edited, Runnable discard, Runnable keep) {
        var dialog = new ConfirmDialog();
        dialog.setHeader("Discard unsaved changes?");
        dialog.setText("Your changes to " + (edited == null || edited.isNew() ? "the new member"
                : edited.getFullName()) + " are not saved. Discard them, or keep editing and save first.");
        dialog.setCancelable(true);
        dialog.setCancelText("Keep editing");
        dialog.setConfirmText("Discard changes");
        dialog.setConfirmButtonTheme("error primary");
        dialog.addConfirmListener(confirm -> discard.run());
        dialog.addCancelListener(cancel -> keep.run());
        return dialog;
    }
}
