package memberstream.live.ui;

import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** How the live views print instants: UTC, to the millisecond, as the engine and AWS report them. */
public final class Formats {

    public static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSS").withZone(ZoneOffset.UTC);

    private Formats() {
    }
}
