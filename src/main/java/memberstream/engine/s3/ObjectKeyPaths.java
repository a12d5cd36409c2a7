package memberstream.engine.s3;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Maps S3 keys to file names so that a key like {@code 2026/12/01/00/orders-1-...gz} is the file
 * {@code 2026/12/01/00/orders-1-...gz} under the bucket directory, readable by a person.
 *
 * <p>Each {@code /}-separated segment becomes one path element. Only what a file system cannot hold
 * is escaped as {@code %XX} (UTF-8 bytes): {@code %} itself, control characters, and the segments
 * {@code .} and {@code ..}; the empty segment (from {@code a//b} or a trailing {@code /}) is the name
 * {@code %}. S3 allows both {@code a} and {@code a/b} as keys, which a file system cannot hold as a
 * file and a directory of the same name: then the object {@code a} lives in the file {@code a%} (an
 * unescaped trailing {@code %} never comes out of the escaping, so it cannot be mistaken for a key).
 */
final class ObjectKeyPaths {

    /** Longest file name most file systems accept, in bytes. */
    static final int MAX_NAME_BYTES = 255;

    private ObjectKeyPaths() {
    }

    static List<String> segments(String key) {
        List<String> segments = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < key.length(); i++) {
            if (key.charAt(i) == '/') {
                segments.add(key.substring(start, i));
                start = i + 1;
            }
        }
        segments.add(key.substring(start));
        return segments;
    }

    static String encodeSegment(String segment) {
        if (segment.isEmpty()) {
            return "%";
        }
        if (segment.equals(".")) {
            return "%2E";
        }
        if (segment.equals("..")) {
            return "%2E%2E";
        }
        StringBuilder out = null;
        for (int i = 0; i < segment.length(); i++) {
            char c = segment.charAt(i);
            boolean escape = c == '%' || c < 0x20 || c == 0x7F;
            if (escape && out == null) {
                out = new StringBuilder(segment.length() + 8).append(segment, 0, i);
            }
            if (escape) {
                out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xF, 16)));
            } else if (out != null) {
                out.append(c);
            }
        }
        String encoded = out == null ? segment : out.toString();
        if (encoded.getBytes(StandardCharsets.UTF_8).length > MAX_NAME_BYTES - 1) {
            throw S3Error.KEY_TOO_LONG.exception("Each '/'-separated part of a key may be at most "
                    + (MAX_NAME_BYTES - 1) + " bytes in the local engine's file store.");
        }
        return encoded;
    }

    /** The file name that holds an object whose last segment also names a directory. */
    static String alternateLeafName(String encodedSegment) {
        return encodedSegment + "%";
    }

    /** The key segment a file or directory name stands for. */
    static String decodeName(String name) {
        if (name.equals("%")) {
            return "";
        }
        if (name.endsWith("%")) {
            return decodeName(name.substring(0, name.length() - 1));
        }
        if (name.indexOf('%') < 0) {
            return name;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(name.length());
        byte[] raw = name.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < raw.length; i++) {
            if (raw[i] == '%' && i + 2 < raw.length) {
                bytes.write(Integer.parseInt(new String(raw, i + 1, 2, StandardCharsets.US_ASCII), 16));
                i += 2;
            } else {
                bytes.write(raw[i]);
            }
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    /** Compares keys by their UTF-8 bytes, the order S3 lists them in. */
    static int compareKeys(String a, String b) {
        int n = Math.min(a.length(), b.length());
        for (int i = 0; i < n; i++) {
            char x = a.charAt(i);
            char y = b.charAt(i);
            if (x != y) {
                // UTF-16 order differs from UTF-8 order only for surrogates versus U+E000..U+FFFF.
                boolean xs = Character.isSurrogate(x);
                boolean ys = Character.isSurrogate(y);
                if (xs != ys && Math.max(x, y) >= 0xE000) {
                    return xs ? 1 : -1;
                }
                return Character.compare(x, y);
            }
        }
        return Integer.compare(a.length(), b.length());
    }
}
