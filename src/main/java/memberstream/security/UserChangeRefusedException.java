package memberstream.security;

/** A change to a user that is not allowed as asked; the message says why, in words for the console. */
public class UserChangeRefusedException extends RuntimeException {

    public UserChangeRefusedException(String message) {
        super(message);
    }
}
