package memberstream.member.api;

import java.util.List;

/** One page of GET /api/members: the members, where the page is, and how many match in all. */
record MemberPageResponse(List<MemberResponse> content, int page, int size, long totalElements, int totalPages) {
}
