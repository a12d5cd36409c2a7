package memberstream.settings;

/** The settings were changed by someone else after the caller read them. */
public class SettingsConflictException extends RuntimeException {

    private final transient Settings current;

    public SettingsConflictException(Settings current) {
        super("The settings were changed by " + (current.updatedBy() == null ? "someone else" : current.updatedBy())
                + " meanwhile; reload them and apply your change again");
        this.current = current;
    }

    public Settings current() {
        return current;
    }
}
