package memberstream.security;

/** Another user already has this name (compared without regard to case). */
public class UsernameTakenException extends RuntimeException {
    public UsernameTakenException(String username) {
        super("The username \"" + username + "\" is already taken");
    }
}
