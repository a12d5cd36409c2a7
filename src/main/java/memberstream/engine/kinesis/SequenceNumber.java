package memberstream.engine.kinesis;

/**
 * A record's sequence number: 56 decimal digits, {@code 49}, the record's 20-digit position in the
 * engine's record log, the 10-digit id of its shard (engine-wide, never reused) and 24 zeros.
 * Log positions only grow, so sequence numbers increase strictly within a shard, across restarts and
 * across resharding (a child's numbers are above its parents'), which also gives
 * {@code SequenceNumberForOrdering} its guarantee. Immutable.
 */
public record SequenceNumber(long position, int shardUid) {

    private static final String ZEROS = "000000000000000000000000";

    public String format() {
        char[] digits = new char[56];
        digits[0] = '4';
        digits[1] = '9';
        writeDigits(digits, 2, 20, position);
        writeDigits(digits, 22, 10, shardUid);
        ZEROS.getChars(0, 24, digits, 32);
        return new String(digits);
    }

    private static void writeDigits(char[] into, int offset, int width, long value) {
        long rest = value;
        for (int i = offset + width - 1; i >= offset; i--) {
            into[i] = (char) ('0' + (rest % 10));
            rest /= 10;
        }
    }

    /** Parses one of ours; null for any other decimal string (which the caller reports as invalid). */
    public static SequenceNumber parse(String text) {
        if (text == null || text.length() != 56 || !text.startsWith("49") || !text.endsWith(ZEROS)) {
            return null;
        }
        for (int i = 2; i < 32; i++) {
            if (!Character.isDigit(text.charAt(i))) {
                return null;
            }
        }
        try {
            return new SequenceNumber(Long.parseLong(text.substring(2, 22)), Integer.parseInt(text.substring(22, 32)));
        } catch (NumberFormatException e) {
            return null;
        }
    }

    @Override
    public String toString() {
        return format();
    }
}
