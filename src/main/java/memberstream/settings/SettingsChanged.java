package memberstream.settings;

/** Published inside the transaction that changed the settings; listeners usually wait for commit. */
public record SettingsChanged(Settings previous, Settings current) {
}
