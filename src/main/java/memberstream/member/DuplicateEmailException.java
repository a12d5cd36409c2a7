package memberstream.member;

import java.util.List;

/** Another member already uses this email address (compared regardless of capitalisation). */
public class DuplicateEmailException extends InvalidMemberException {

    public static final String MESSAGE = "Another member already uses this email address";

    private final String email;

    public DuplicateEmailException(String email) {
        super(List.of(new FieldError("email", MESSAGE)));
        this.email = email;
    }

    public String email() {
        return email;
    }
}
