package memberstream.settings.api;

import com.fasterxml.jackson.databind.JsonMappingException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.validation.ConstraintViolationException;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import memberstream.settings.SettingsConflictException;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.bind.MethodArgumentNotValidException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;

/**
 * The settings API's failures as RFC 7807 problem details: 400 with {@code errors: [{field,
 * message}]} for invalid input (nothing is stored), 409 when the settings changed since the
 * {@code version} the client sent. 401 and 403 come from the security filters in the same shape.
 */
@RestControllerAdvice(basePackageClasses = SettingsApiExceptionHandler.class)
@Order(Ordered.HIGHEST_PRECEDENCE)
class SettingsApiExceptionHandler extends ResponseEntityExceptionHandler {

    private record FieldError(String field, String message) {
    }

    @Override
    protected ResponseEntity<Object> handleMethodArgumentNotValid(MethodArgumentNotValidException e,
            HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        List<FieldError> errors = e.getBindingResult().getFieldErrors().stream()
                .map(error -> new FieldError(error.getField(), error.getDefaultMessage()))
                .toList();
        return handleExceptionInternal(e, invalid(errors), headers, HttpStatus.BAD_REQUEST, request);
    }

    @ExceptionHandler(ConstraintViolationException.class)
    ProblemDetail constraintViolation(ConstraintViolationException e, HttpServletRequest request) {
        ProblemDetail problem = invalid(e.getConstraintViolations().stream()
                .map(v -> new FieldError(v.getPropertyPath().toString(), v.getMessage()))
                .toList());
        problem.setInstance(URI.create(request.getRequestURI()));
        return problem;
    }

    @ExceptionHandler(SettingsConflictException.class)
    ProblemDetail conflict(SettingsConflictException e, HttpServletRequest request) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.CONFLICT, e.getMessage());
        problem.setTitle("Settings changed meanwhile");
        problem.setInstance(URI.create(request.getRequestURI()));
        problem.setProperty("currentVersion", e.current().version());
        return problem;
    }

    /** Malformed JSON, or a value of the wrong type (e.g. {@code "firehose": "maybe"}). */
    @Override
    protected ResponseEntity<Object> handleHttpMessageNotReadable(HttpMessageNotReadableException e,
            HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST,
                "The request body is not settings in JSON: {\"firehose\": true|false, \"kinesisStreamName\": \"...\", "
                        + "\"firehoseDeliveryStreamName\": \"...\", \"version\": n (optional)}.");
        problem.setTitle("Unreadable request");
        if (e.getCause() instanceof JsonMappingException mapping && !mapping.getPath().isEmpty()) {
            String field = mapping.getPath().stream()
                    .map(ref -> ref.getFieldName() != null ? ref.getFieldName() : "[" + ref.getIndex() + "]")
                    .collect(Collectors.joining("."));
            withErrors(problem, List.of(new FieldError(field, "This value cannot be read")));
        }
        return handleExceptionInternal(e, problem, headers, HttpStatus.BAD_REQUEST, request);
    }

    private static ProblemDetail invalid(List<FieldError> errors) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST,
                "The settings were not saved: " + errors.stream()
                        .map(error -> error.field() + ": " + error.message())
                        .collect(Collectors.joining("; ")));
        problem.setTitle("Invalid settings");
        return withErrors(problem, errors);
    }

    private static ProblemDetail withErrors(ProblemDetail problem, List<FieldError> errors) {
        problem.setProperty("errors", errors.stream()
                .map(error -> Map.of("field", error.field(), "message", error.message()))
                .toList());
        return problem;
    }
}
