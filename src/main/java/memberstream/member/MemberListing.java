package memberstream.member;

import java.util.List;

/**
 * A page of members and, when finding it already told, how many members match the filter in all
 * ({@code count} null: not known, ask {@link MemberService#countAbout}). Immutable.
 */
public record MemberListing(List<Member> members, MemberCount count) {

    public MemberListing {
        members = List.copyOf(members);
    }
}
