package memberstream.security;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/** A user an admin wants to add. */
public record NewUser(
        @NotBlank(message = "Enter a username")
        @Size(max = NewUser.USERNAME_MAX, message = "At most 64 characters")
        @Pattern(regexp = "[A-Za-z0-9._@-]*", message = "Use letters, digits and . _ @ - only")
        String username,
        @NotNull(message = "Enter a password")
        @Size(min = NewUser.PASSWORD_MIN, max = NewUser.PASSWORD_MAX, message = "Use 12 to 72 characters")
        String password,
        @NotNull(message = "Choose a role")
        Role role) {

    /** The limits, also shown by the forms' counters. */
    public static final int USERNAME_MAX = 64;
    public static final int PASSWORD_MIN = 12;
    public static final int PASSWORD_MAX = 72;

    @Override
    public String toString() {
        return "NewUser[username=" + username + ", role=" + role + "]";
    }
}
