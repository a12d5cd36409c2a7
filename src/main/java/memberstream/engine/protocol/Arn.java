package memberstream.engine.protocol;

/**
 * An Amazon Resource Name read by its parts, {@code arn:partition:service:region:account:resource},
 * without a regular expression (an ARN of 200,000 characters once took 37 s to match). The resource
 * is everything after the fifth colon. Immutable.
 */
public record Arn(String partition, String service, String region, String account, String resource) {

    /** The parts of {@code text}, or null if it does not have the six of an ARN. */
    public static Arn parse(String text) {
        if (text == null || !text.startsWith("arn:")) {
            return null;
        }
        String[] parts = new String[5];
        int from = 4;
        for (int i = 0; i < 4; i++) {
            int colon = text.indexOf(':', from);
            if (colon < 0) {
                return null;
            }
            parts[i] = text.substring(from, colon);
            from = colon + 1;
        }
        return new Arn(parts[0], parts[1], parts[2], parts[3], text.substring(from));
    }

    /** True when every character of {@code text} is an ASCII digit and there are exactly {@code count}. */
    public static boolean digits(String text, int count) {
        if (text.length() != count) {
            return false;
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }

    /** True when {@code text} is not empty and each character is an ASCII letter, digit or one of {@code others}. */
    public static boolean wordChars(String text, String others) {
        if (text.isEmpty()) {
            return false;
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || others.indexOf(c) >= 0;
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    /** True when {@code text} is not empty and holds no whitespace. */
    public static boolean noWhitespace(String text) {
        if (text.isEmpty()) {
            return false;
        }
        for (int i = 0; i < text.length(); i++) {
            if (Character.isWhitespace(text.charAt(i))) {
                return false;
            }
        }
        return true;
    }
}
