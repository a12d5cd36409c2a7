package memberstream.member.ui;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import memberstream.member.Member;
import memberstream.member.MemberCursor;
import memberstream.member.MemberFilter;
import memberstream.member.MemberService;
import org.springframework.data.domain.Sort;

/**
 * Turns the grid's offset/limit requests into index seeks. The grid asks "rows 1000 to 1049"; this
 * remembers, for the current filter and sort, the {@link MemberCursor} after the last row of each page
 * it served (keyed by the offset that row ends), and answers a request from the nearest cursor at or
 * before its offset, skipping only the rows in between. Scrolling on, page by page, each page costs
 * what the first costs; a jump far past anything seen still skips with OFFSET, once.
 *
 * <p>Not thread-safe: one per view, called under the session's lock. Mixed-direction sorts cannot be
 * sought and go by offset. {@link #forget()} after the data changed: offsets may have shifted.
 */
final class SeekingMemberPages {

    /** Bounds the memory of a long scroll: past this many cursors, start remembering afresh. */
    private static final int MAX_CURSORS = 10_000;

    private final MemberService members;
    private final TreeMap<Long, MemberCursor> cursorsByOffset = new TreeMap<>();
    private MemberFilter filter;
    private Sort sort;

    SeekingMemberPages(MemberService members) {
        this.members = members;
    }

    List<Member> fetch(MemberFilter filter, Sort sort, long offset, int limit) {
        if (!filter.equals(this.filter) || !sort.equals(this.sort)) {
            forget();
            this.filter = filter;
            this.sort = sort;
        }
        if (!MemberService.seekable(sort)) {
            return members.list(filter, sort, null, offset, limit);
        }
        Map.Entry<Long, MemberCursor> start = cursorsByOffset.floorEntry(offset);
        List<Member> page = start == null
                ? members.list(filter, sort, null, offset, limit)
                : members.list(filter, sort, start.getValue(), offset - start.getKey(), limit);
        if (!page.isEmpty()) {
            if (cursorsByOffset.size() >= MAX_CURSORS) {
                cursorsByOffset.clear();
            }
            cursorsByOffset.put(offset + page.size(), MemberCursor.after(page.get(page.size() - 1), sort));
        }
        return page;
    }

    /** How many cursors are remembered (for tests). */
    int remembered() {
        return cursorsByOffset.size();
    }

    void forget() {
        cursorsByOffset.clear();
    }
}
