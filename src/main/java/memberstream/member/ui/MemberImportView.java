package memberstream.member.ui;

import com.vaadin.flow.component.AttachEvent;
import com.vaadin.flow.component.DetachEvent;
import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.progressbar.ProgressBar;
import com.vaadin.flow.component.upload.Upload;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import com.vaadin.flow.router.RouterLink;
import com.vaadin.flow.server.streams.UploadEvent;
import jakarta.annotation.security.RolesAllowed;
import java.io.IOException;
import java.io.InputStream;
import memberstream.base.ui.MainLayout;
import memberstream.member.importing.ImportCheck;
import memberstream.member.importing.ImportFileException;
import memberstream.member.importing.ImportJob;
import memberstream.member.importing.ImportLimits;
import memberstream.member.importing.ImportProblem;
import memberstream.member.importing.ImportRunningException;
import memberstream.member.importing.ImportStatus;
import memberstream.member.importing.MemberCsv;
import memberstream.member.importing.MemberImports;

/**
 * The CSV import, in three steps on one page ({@code /members/import}): upload a file, read the report
 * of refused rows (line, field, reason) with nothing saved yet, then confirm to save the valid rows. The
 * job runs on the server; this page shows the running or last job, so a reload finds it again, and
 * progress is pushed after every batch. The uploaded file is streamed straight into the checker (no
 * copy), which stops reading at the size limit. Not thread-safe: Vaadin's session lock guards it; the
 * upload and the job's progress arrive on other threads and enter through {@link UI#access}.
 */
@Route(value = "members/import", layout = MainLayout.class)
@PageTitle("Import members | Memberstream")
@RolesAllowed("ADMIN")
public class MemberImportView extends VerticalLayout {

    private final MemberImports imports;

    final Upload upload = new Upload();
    final Span summary = new Span();
    final Grid<ImportProblem> problems = new Grid<>(ImportProblem.class, false);
    final Button confirm = new Button("Import");
    final Button discard = new Button("Discard");
    final ProgressBar progress = new ProgressBar(0, 1);
    final Span jobText = new Span();
    final Button cancel = new Button("Cancel import");

    private ImportCheck pending;
    private ImportJob shown;
    private Runnable stopListening;

    public MemberImportView(MemberImports imports, ImportLimits limits) {
        this.imports = imports;
        addClassName("member-import-view");
        setSizeFull();

        var help = new Paragraph("A CSV file in UTF-8 with a header row naming the columns "
                + String.join(", ", MemberCsv.REQUIRED) + " and optionally " + String.join(", ", MemberCsv.OPTIONAL)
                + "; at most " + limits.maxRows() + " rows. Nothing is saved until you confirm.");
        upload.setId("import-upload");
        upload.setMaxFiles(1);
        upload.setAcceptedFileTypes("text/csv", ".csv");
        upload.setMaxFileSize((int) Math.min(Integer.MAX_VALUE, limits.maxSize().toBytes()));
        upload.setUploadHandler(this::received);

        summary.setId("import-summary");
        problems.setId("import-problems");
        problems.addColumn(ImportProblem::line).setHeader("Line").setAutoWidth(true).setFlexGrow(0);
        problems.addColumn(ImportProblem::field).setHeader("Field").setAutoWidth(true).setFlexGrow(0);
        problems.addColumn(ImportProblem::message).setHeader("Reason").setFlexGrow(1)
                .setTooltipGenerator(ImportProblem::message);
        problems.setVisible(false);

        confirm.setId("import-confirm");
        confirm.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        confirm.addClickListener(click -> confirm());
        discard.addClickListener(click -> showCheck(null));
        cancel.setId("import-cancel");
        cancel.addThemeVariants(ButtonVariant.LUMO_ERROR);
        cancel.addClickListener(click -> {
            if (shown != null) {
                imports.cancel(shown.id());
            }
        });
        progress.setId("import-progress");
        jobText.setId("import-job");

        add(new RouterLink("← Members", MembersView.class), new H2("Import members"), help, upload, summary,
                new HorizontalLayout(confirm, discard), problems, progress, jobText, cancel);
        setFlexGrow(1, problems);
        showCheck(null);
        showJob(imports.newest().orElse(null));
    }

    @Override
    protected void onAttach(AttachEvent attach) {
        UI ui = attach.getUI();
        stopListening = imports.addListener(job -> ui.access(() -> showJob(job)));
        showJob(imports.newest().orElse(null));
    }

    @Override
    protected void onDetach(DetachEvent detach) {
        if (stopListening != null) {
            stopListening.run();
            stopListening = null;
        }
    }

    /** The upload request's thread, without the session lock: check, then show under the lock. */
    private void received(UploadEvent event) throws IOException {
        UI ui = event.getUI();
        try (InputStream in = event.getInputStream()) {
            Object outcome = checked(event.getFileName(), in);
            ui.access(() -> show(outcome));
        }
    }

    /** The check of a file, or the message why the whole file is refused. */
    Object checked(String fileName, InputStream csv) {
        try {
            return imports.check(fileName, csv);
        } catch (ImportFileException refused) {
            return refused.getMessage() + ". Nothing was saved.";
        }
    }

    void show(Object outcome) {
        if (outcome instanceof ImportCheck check) {
            showCheck(check);
        } else {
            showCheck(null);
            summary.setText(String.valueOf(outcome));
            summary.getElement().getThemeList().add("badge error");
        }
    }

    void showCheck(ImportCheck check) {
        pending = check;
        summary.getElement().getThemeList().clear();
        boolean running = shown != null && shown.status() == ImportStatus.RUNNING;
        upload.setVisible(!running);
        if (check == null) {
            summary.setText("");
            problems.setVisible(false);
            problems.setItems();
            confirm.setVisible(false);
            discard.setVisible(false);
            return;
        }
        summary.setText(check.totalRows() + " row(s) read: " + check.valid() + " can be imported, "
                + check.refused() + " refused" + (check.refused() > 0 ? " (listed below; they will be skipped)" : "")
                + ". Nothing is saved yet.");
        problems.setItems(check.problems());
        problems.setVisible(!check.problems().isEmpty());
        confirm.setText("Import " + check.valid() + " member(s)");
        confirm.setEnabled(check.valid() > 0 && !running);
        confirm.setVisible(true);
        discard.setVisible(true);
    }

    void confirm() {
        if (pending == null) {
            return;
        }
        try {
            ImportJob job = imports.start(pending);
            showCheck(null);
            showJob(job);
        } catch (ImportRunningException e) {
            summary.setText(e.getMessage());
        }
    }

    void showJob(ImportJob job) {
        if (job == null) {
            progress.setVisible(false);
            jobText.setVisible(false);
            cancel.setVisible(false);
            return;
        }
        if (shown != null && shown.id() == job.id() && shown.updatedAt() != null && job.updatedAt() != null
                && job.updatedAt().isBefore(shown.updatedAt())) {
            return; // a late, older notification
        }
        shown = job;
        boolean running = job.status() == ImportStatus.RUNNING;
        progress.setVisible(true);
        progress.setValue(job.progress());
        jobText.setVisible(true);
        jobText.setText(switch (job.status()) {
            case RUNNING -> "Import " + job.id() + (job.cancelRequested() ? " is stopping: " : " is running: ")
                    + job.saved() + " of " + job.toSave() + " member(s) saved";
            default -> "Last import (" + job.id() + (job.fileName() == null ? "" : ", " + job.fileName()) + ") "
                    + job.status().name().toLowerCase() + ": " + job.saved() + " of " + job.toSave()
                    + " member(s) saved" + (job.refusedRows() > 0 ? ", " + job.refusedRows() + " row(s) refused" : "")
                    + (job.message() == null ? "" : ". " + job.message());
        });
        cancel.setVisible(running);
        cancel.setEnabled(running && !job.cancelRequested());
        upload.setVisible(!running);
        if (pending != null) {
            confirm.setEnabled(pending.valid() > 0 && !running);
        }
    }
}
