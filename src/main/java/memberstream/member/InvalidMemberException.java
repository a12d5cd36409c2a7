package memberstream.member;

import java.util.List;

/**
 * The member was not saved because some of its properties are not acceptable. Each error names the
 * property ({@code fullName}, {@code email}, ...) so a form or an API client can point at the field.
 */
public class InvalidMemberException extends RuntimeException {

    /** One refused property and why, in words a person understands. */
    public record FieldError(String field, String message) {
    }

    private final List<FieldError> errors;

    public InvalidMemberException(List<FieldError> errors) {
        super("Invalid member: " + errors);
        this.errors = List.copyOf(errors);
    }

    public List<FieldError> errors() {
        return errors;
    }
}
