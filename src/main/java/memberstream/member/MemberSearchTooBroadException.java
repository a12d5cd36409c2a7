package memberstream.member;

import java.time.Duration;

/**
 * A search whose matches could not be sorted within {@link MemberService#SORT_MATCHES_TIMEOUT}: they are
 * many and sit far down the requested order. Nothing is wrong with the data; the search needs narrowing
 * (a longer fragment, a role or status) or another order.
 */
public class MemberSearchTooBroadException extends RuntimeException {

    public MemberSearchTooBroadException(String search, Duration timeout) {
        super("The search '" + search + "' matches too many members to sort them in this order within "
                + timeout.toSeconds() + " s; refine it (a longer text, a role or a status) or sort by another column.");
    }
}
