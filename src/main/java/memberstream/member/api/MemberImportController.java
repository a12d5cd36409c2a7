package memberstream.member.api;

import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import memberstream.member.MemberFilter;
import memberstream.member.MemberRole;
import memberstream.member.MemberStatus;
import memberstream.member.PlainText;
import memberstream.member.importing.ImportCheck;
import memberstream.member.importing.ImportFileException;
import memberstream.member.importing.ImportJob;
import memberstream.member.importing.ImportRunningException;
import memberstream.member.importing.MemberCsvExport;
import memberstream.member.importing.MemberImports;
import org.springframework.data.domain.Sort;
import org.springframework.data.web.SortDefault;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.StreamingResponseBody;

/**
 * CSV in and out of the members API. {@code POST /api/members/import} ({@code text/csv}, admin) checks
 * the whole file first: with {@code dryRun=true} it only answers the check; otherwise a file with refused
 * rows is refused whole (400, nothing saved) unless {@code skipRefused=true}, and a valid one starts a
 * job: 200 with the finished job if it ends within {@link #WAIT_FOR_DONE}, else 202 with its URL
 * ({@code GET /api/members/import/{id}}). Refused rows are problem details with
 * {@code errors: [{line, field, message}]}. {@code GET /api/members/export} streams the members of the
 * same filter and sort as {@code GET /api/members} as CSV.
 */
@RestController
@RequestMapping("/api/members")
class MemberImportController {

    static final Duration WAIT_FOR_DONE = Duration.ofSeconds(2);
    static final MediaType CSV = new MediaType("text", "csv", java.nio.charset.StandardCharsets.UTF_8);

    private final MemberImports imports;
    private final MemberCsvExport export;

    MemberImportController(MemberImports imports, MemberCsvExport export) {
        this.imports = imports;
        this.export = export;
    }

    @PostMapping(path = "/import", consumes = "text/csv")
    ResponseEntity<?> importCsv(@RequestParam(defaultValue = "false") boolean dryRun,
                                @RequestParam(defaultValue = "false") boolean skipRefused,
                                HttpServletRequest request) throws IOException {
        ImportCheck check;
        try (InputStream body = request.getInputStream()) {
            check = imports.check(null, body);
        }
        if (!check.problems().isEmpty() && (dryRun || !skipRefused)) {
            ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST,
                    check.refused() + " of " + check.totalRows() + " row(s) refused; nothing was saved"
                            + (dryRun ? "" : " (send skipRefused=true to import the " + check.valid() + " valid row(s))"));
            problem.setTitle("Invalid rows");
            problem.setInstance(URI.create(request.getRequestURI()));
            problem.setProperty("rows", check.totalRows());
            problem.setProperty("valid", check.valid());
            problem.setProperty("refused", check.refused());
            problem.setProperty("errors", check.problems().stream()
                    .map(p -> Map.of("line", p.line(), "field", p.field(), "message", p.message()))
                    .toList());
            return ResponseEntity.badRequest().contentType(MediaType.APPLICATION_PROBLEM_JSON).body(problem);
        }
        if (dryRun) {
            return ResponseEntity.ok(Map.of("rows", check.totalRows(), "valid", check.valid(), "refused",
                    check.refused(), "errors", List.of()));
        }
        ImportJob job = imports.start(check);
        URI location = URI.create("/api/members/import/" + job.id());
        return imports.awaitFinished(job.id(), WAIT_FOR_DONE)
                .<ResponseEntity<?>>map(done -> ResponseEntity.ok().location(location).body(done))
                .orElseGet(() -> ResponseEntity.accepted().location(location).body(imports.find(job.id()).orElse(job)));
    }

    @GetMapping("/import/{id}")
    ResponseEntity<?> job(@PathVariable long id, HttpServletRequest request) {
        return imports.find(id).<ResponseEntity<?>>map(ResponseEntity::ok).orElseGet(() -> {
            ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.NOT_FOUND, "No import has id " + id);
            problem.setTitle("Import not found");
            problem.setInstance(URI.create(request.getRequestURI()));
            return ResponseEntity.status(HttpStatus.NOT_FOUND).contentType(MediaType.APPLICATION_PROBLEM_JSON)
                    .body(problem);
        });
    }

    @GetMapping("/export")
    ResponseEntity<StreamingResponseBody> exportCsv(@RequestParam(name = "q", required = false) String search,
                                                    @RequestParam(required = false) MemberRole role,
                                                    @RequestParam(required = false) MemberStatus status,
                                                    @SortDefault(sort = "fullName") Sort sort) {
        MemberFilter filter = new MemberFilter(checkedSearch(search), role, status);
        checkSort(sort);
        StreamingResponseBody body = out -> export.write(filter, sort, out);
        return ResponseEntity.ok().contentType(CSV)
                .header(HttpHeaders.CONTENT_DISPOSITION, "attachment; filename=\"members.csv\"")
                .body(body);
    }

    /** The same rules as the list's search: plain text of bounded length. */
    private static String checkedSearch(String search) {
        if (search != null && search.length() > MemberApiController.MAX_SEARCH_LENGTH) {
            throw new InvalidQueryException("q", "Search for at most " + MemberApiController.MAX_SEARCH_LENGTH
                    + " characters");
        }
        if (search != null && !PlainText.Validator.isPlain(search, false)) {
            throw new InvalidQueryException("q", "Search for printable characters only (no control characters)");
        }
        return search;
    }

    private static void checkSort(Sort sort) {
        for (Sort.Order order : sort) {
            if (!MemberApiController.SORTABLE.contains(order.getProperty())) {
                throw new InvalidQueryException("sort", "Cannot sort by '" + order.getProperty() + "'; use one of "
                        + String.join(", ", MemberApiController.SORTABLE.stream().sorted().toList()));
            }
        }
    }

    @ExceptionHandler(ImportFileException.class)
    ResponseEntity<ProblemDetail> fileRefused(ImportFileException e, HttpServletRequest request) {
        HttpStatus status = e.tooLarge() ? HttpStatus.PAYLOAD_TOO_LARGE : HttpStatus.BAD_REQUEST;
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, e.getMessage() + "; nothing was saved");
        problem.setTitle(e.tooLarge() ? "File too large" : "Unreadable file");
        problem.setInstance(URI.create(request.getRequestURI()));
        return ResponseEntity.status(status).contentType(MediaType.APPLICATION_PROBLEM_JSON).body(problem);
    }

    @ExceptionHandler(ImportRunningException.class)
    ResponseEntity<ProblemDetail> running(ImportRunningException e, HttpServletRequest request) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.CONFLICT, e.getMessage());
        problem.setTitle("Import running");
        problem.setInstance(URI.create(request.getRequestURI()));
        problem.setProperty("running", "/api/members/import/" + e.runningId());
        return ResponseEntity.status(HttpStatus.CONFLICT).contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .location(URI.create("/api/members/import/" + e.runningId())).body(problem);
    }
}
