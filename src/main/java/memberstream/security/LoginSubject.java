package memberstream.security;

/** What login failures are counted against: the user name tried, or the client address it came from. */
public enum LoginSubject {
    USERNAME,
    ADDRESS
}
