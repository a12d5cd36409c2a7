package memberstream.member;

/**
 * How many members match a filter: exact, or, above {@link MemberService#EXACT_COUNT_LIMIT}, the
 * database planner's estimate (counting a million rows on every keystroke costs more than it tells).
 */
public record MemberCount(long value, boolean exact) {

    /** "1 member", "42 members", "about 1,000,000 members". */
    public String label() {
        if (!exact) {
            return String.format("about %,d members", value);
        }
        return value == 1 ? "1 member" : value + " members";
    }
}
