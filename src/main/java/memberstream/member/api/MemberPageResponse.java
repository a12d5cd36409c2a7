package memberstream.member.api;

import java.util.List;

/**
 * One page of GET /api/members: the members, where the page is, and how many match in all
 * ({@code totalExact} false: above 1,000 matches the total is the database's estimate). {@code next}:
 * pass it as {@code after} to get the following page by index seek, as fast as the first (null on the
 * last page, or when the sort orders run in different directions).
 */
record MemberPageResponse(List<MemberResponse> content, int page, int size, long totalElements, int totalPages,
                          boolean totalExact, String next) {
}
