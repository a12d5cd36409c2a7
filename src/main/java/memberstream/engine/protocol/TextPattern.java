package memberstream.engine.protocol;

import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * A constraint on the characters of a string member, as the API model states it ({@link #shown()},
 * quoted in messages), checked in time linear in the text: request input never meets a regular
 * expression that can backtrack. {@link #regex} is only for patterns without nested or adjacent
 * unbounded repetition (one character class repeated, a bounded run of digits); anything richer,
 * such as an ARN, is checked by a predicate that reads the text by its parts ({@link Arn}).
 * Implementations are immutable and thread-safe.
 */
public interface TextPattern {

    boolean matches(String text);

    /** The pattern as AWS's messages quote it. */
    String shown();

    static TextPattern regex(String regex) {
        Pattern pattern = Pattern.compile(regex);
        return of(regex, text -> pattern.matcher(text).matches());
    }

    static TextPattern of(String shown, Predicate<String> test) {
        return new TextPattern() {
            @Override
            public boolean matches(String text) {
                return test.test(text);
            }

            @Override
            public String shown() {
                return shown;
            }
        };
    }
}
