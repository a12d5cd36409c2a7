package memberstream.engine.kinesis;

/** Shard ids as AWS writes them: {@code shardId-} and a 12-digit zero-padded index within the stream. */
public final class ShardId {

    private ShardId() {
    }

    public static String format(int index) {
        String digits = Integer.toString(index);
        return "shardId-" + "000000000000".substring(digits.length()) + digits;
    }

    /** The index of a shard id; AWS also accepts the bare number. -1 if it is neither. */
    public static int parse(String shardId) {
        String digits = shardId.startsWith("shardId-") ? shardId.substring("shardId-".length()) : shardId;
        if (digits.isEmpty() || digits.length() > 12) {
            return -1;
        }
        for (int i = 0; i < digits.length(); i++) {
            if (!Character.isDigit(digits.charAt(i))) {
                return -1;
            }
        }
        long value = Long.parseLong(digits);
        return value > Integer.MAX_VALUE ? -1 : (int) value;
    }
}
