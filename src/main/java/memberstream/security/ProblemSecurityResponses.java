package memberstream.security;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.authentication.DisabledException;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.access.AccessDeniedHandler;

/**
 * 401, 403 and 429 on the API as RFC 7807 problem details, like every other API error. A 429 (a
 * user name or address that must wait after failed logins) carries {@code Retry-After} in seconds.
 */
final class ProblemSecurityResponses implements AuthenticationEntryPoint, AccessDeniedHandler {

    private final ObjectMapper objectMapper;

    ProblemSecurityResponses(ObjectMapper objectMapper) {
        this.objectMapper = objectMapper;
    }

    @Override
    public void commence(HttpServletRequest request, HttpServletResponse response,
            AuthenticationException authException) throws IOException {
        if (authException instanceof LoginThrottledException mustWait) {
            response.setHeader("Retry-After", Long.toString(mustWait.retryAfterSeconds()));
            write(request, response, HttpStatus.TOO_MANY_REQUESTS, "Too many failed logins for this user name "
                    + "or from this address; try again in " + mustWait.retryAfterSeconds() + " seconds.");
            return;
        }
        if (authException instanceof DisabledException) {
            disabledUser(request, response);
            return;
        }
        response.setHeader("WWW-Authenticate", "Basic realm=\"Memberstream\"");
        response.addHeader("WWW-Authenticate", "Bearer realm=\"Memberstream\"");
        write(request, response, HttpStatus.UNAUTHORIZED, "Log in with HTTP Basic using a console user's name "
                + "and password, or send an API token as 'Authorization: Bearer <token>'.");
    }

    /** An unknown or revoked API token (RFC 6750's invalid_token). */
    void invalidToken(HttpServletRequest request, HttpServletResponse response) throws IOException {
        response.setHeader("WWW-Authenticate", "Bearer realm=\"Memberstream\", error=\"invalid_token\"");
        write(request, response, HttpStatus.UNAUTHORIZED,
                "This API token is unknown or was revoked; ask an admin for a new one.");
    }

    /** A correct password or a real token, but an admin disabled the user. */
    void disabledUser(HttpServletRequest request, HttpServletResponse response) throws IOException {
        response.setHeader("WWW-Authenticate", "Bearer realm=\"Memberstream\", error=\"invalid_token\"");
        write(request, response, HttpStatus.UNAUTHORIZED, "This user is disabled; ask an admin to enable it.");
    }

    @Override
    public void handle(HttpServletRequest request, HttpServletResponse response,
            AccessDeniedException accessDeniedException) throws IOException {
        write(request, response, HttpStatus.FORBIDDEN, "Your role may read but not change this; ask an admin.");
    }

    private void write(HttpServletRequest request, HttpServletResponse response, HttpStatus status, String detail)
            throws IOException {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setInstance(URI.create(request.getRequestURI()));
        response.setStatus(status.value());
        response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        objectMapper.writeValue(response.getOutputStream(), problem);
    }
}
