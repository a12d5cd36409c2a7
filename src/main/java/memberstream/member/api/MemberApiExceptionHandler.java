package memberstream.member.api;

import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import jakarta.servlet.http.HttpServletRequest;
import java.net.URI;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import memberstream.member.InvalidMemberException;
import memberstream.member.MemberChangedMeanwhileException;
import memberstream.member.MemberNotFoundException;
import memberstream.member.MemberSearchTooBroadException;
import org.springframework.beans.TypeMismatchException;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;

/**
 * Turns the members API's failures into RFC 9457 (ex-7807) problem details. A client's mistake is a
 * 4xx naming the fields at fault in {@code errors: [{field, message}]}, never a 500:
 * 400 invalid input, 404 unknown member, 409 changed by someone else since it was read, 422 a search
 * too broad to sort in the time allowed.
 * Scoped to this package so other features keep their own error shapes.
 */
@RestControllerAdvice(basePackageClasses = MemberApiExceptionHandler.class)
@Order(Ordered.HIGHEST_PRECEDENCE)
class MemberApiExceptionHandler extends ResponseEntityExceptionHandler {

    @ExceptionHandler(InvalidMemberException.class)
    ProblemDetail invalid(InvalidMemberException e, HttpServletRequest request) {
        return withErrors(problem(HttpStatus.BAD_REQUEST, "Invalid member",
                "The member was not saved: " + e.errors().stream()
                        .map(error -> error.field() + ": " + error.message())
                        .collect(Collectors.joining("; ")), request), e.errors());
    }

    @ExceptionHandler(InvalidQueryException.class)
    ProblemDetail invalidQuery(InvalidQueryException e, HttpServletRequest request) {
        return withErrors(problem(HttpStatus.BAD_REQUEST, "Invalid query", e.getMessage(), request),
                List.of(new InvalidMemberException.FieldError(e.parameter(), e.getMessage())));
    }

    @ExceptionHandler(MemberSearchTooBroadException.class)
    ProblemDetail tooBroad(MemberSearchTooBroadException e, HttpServletRequest request) {
        return withErrors(problem(HttpStatus.UNPROCESSABLE_ENTITY, "Search too broad", e.getMessage(), request),
                List.of(new InvalidMemberException.FieldError("q", e.getMessage())));
    }

    @ExceptionHandler(MemberNotFoundException.class)
    ProblemDetail notFound(MemberNotFoundException e, HttpServletRequest request) {
        ProblemDetail problem = problem(HttpStatus.NOT_FOUND, "Member not found", e.getMessage(), request);
        problem.setProperty("memberId", e.memberId());
        return problem;
    }

    @ExceptionHandler(MemberChangedMeanwhileException.class)
    ProblemDetail changedMeanwhile(MemberChangedMeanwhileException e, HttpServletRequest request) {
        ProblemDetail problem = problem(HttpStatus.CONFLICT, "Member changed meanwhile", e.getMessage(), request);
        problem.setProperty("memberId", e.memberId());
        problem.setProperty("yourVersion", e.expectedVersion());
        if (e.currentVersion() != null) {
            problem.setProperty("currentVersion", e.currentVersion());
        }
        return problem;
    }

    /** Malformed JSON, or a value of the wrong type (an unknown role, a date that isn't one). */
    @Override
    protected ResponseEntity<Object> handleHttpMessageNotReadable(HttpMessageNotReadableException e,
            HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST,
                "The request body is not a member in JSON.");
        problem.setTitle("Unreadable request");
        if (e.getCause() instanceof JsonMappingException mapping && !mapping.getPath().isEmpty()) {
            String field = mapping.getPath().stream()
                    .map(ref -> ref.getFieldName() != null ? ref.getFieldName() : "[" + ref.getIndex() + "]")
                    .collect(Collectors.joining("."));
            String message = "This value cannot be read";
            if (mapping instanceof InvalidFormatException format && format.getTargetType().isEnum()) {
                message = "Use one of " + enumNames(format.getTargetType());
            } else if (mapping instanceof InvalidFormatException format) {
                message = "Cannot read '" + format.getValue() + "' as " + format.getTargetType().getSimpleName();
            }
            problem.setDetail("The member was not saved: " + field + ": " + message);
            withErrors(problem, List.of(new InvalidMemberException.FieldError(field, message)));
        }
        return handleExceptionInternal(e, problem, headers, HttpStatus.BAD_REQUEST, request);
    }

    /** A query parameter or path variable of the wrong type. */
    @Override
    protected ResponseEntity<Object> handleTypeMismatch(TypeMismatchException e, HttpHeaders headers,
            HttpStatusCode status, WebRequest request) {
        String name = e instanceof MethodArgumentTypeMismatchException argument ? argument.getName()
                : e.getPropertyName();
        Class<?> type = e.getRequiredType();
        String message = type != null && type.isEnum() ? "Use one of " + enumNames(type)
                : "Cannot read '" + e.getValue() + "' as " + (type == null ? "this parameter" : type.getSimpleName());
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, name + ": " + message);
        problem.setTitle("Invalid query");
        withErrors(problem, List.of(new InvalidMemberException.FieldError(name, message)));
        return handleExceptionInternal(e, problem, headers, HttpStatus.BAD_REQUEST, request);
    }

    private static ProblemDetail problem(HttpStatus status, String title, String detail, HttpServletRequest request) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setTitle(title);
        problem.setInstance(URI.create(request.getRequestURI()));
        return problem;
    }

    private static ProblemDetail withErrors(ProblemDetail problem, List<InvalidMemberException.FieldError> errors) {
        problem.setProperty("errors", errors.stream()
                .map(error -> Map.of("field", error.field(), "message", error.message()))
                .toList());
        return problem;
    }

    private static String enumNames(Class<?> type) {
        return Arrays.stream(type.getEnumConstants()).map(Object::toString).collect(Collectors.joining(", "));
    }
}
