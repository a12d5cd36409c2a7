package memberstream.member.api;

import java.net.URI;
import java.util.List;
import java.util.Set;
import memberstream.member.InvalidMemberException;
import memberstream.member.Member;
import memberstream.member.MemberCount;
import memberstream.member.MemberCursor;
import memberstream.member.MemberFilter;
import memberstream.member.MemberListing;
import memberstream.member.MemberNotFoundException;
import memberstream.member.MemberRole;
import memberstream.member.MemberService;
import memberstream.member.MemberStatus;
import memberstream.member.PlainText;
import org.springframework.data.domain.PageRequest;
import org.springframework.data.domain.Pageable;
import org.springframework.data.domain.Sort;
import org.springframework.data.web.PageableDefault;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** JSON over {@link MemberService}; errors become problem details in {@link MemberApiExceptionHandler}. */
@RestController
@RequestMapping("/api/members")
class MemberApiController {

    static final int MAX_PAGE_SIZE = 100;
    static final int MAX_SEARCH_LENGTH = 254;
    static final Set<String> SORTABLE = Set.of(
            "id", "fullName", "email", "role", "status", "joinedOn", "createdAt", "updatedAt");

    private final MemberService members;

    MemberApiController(MemberService members) {
        this.members = members;
    }

    @GetMapping
    MemberPageResponse list(@RequestParam(name = "q", required = false) String search,
                            @RequestParam(required = false) MemberRole role,
                            @RequestParam(required = false) MemberStatus status,
                            @RequestParam(required = false) String after,
                            @PageableDefault(size = 20, sort = "fullName") Pageable pageable) {
        MemberFilter filter = new MemberFilter(checkedSearch(search), role, status);
        Pageable page = checked(pageable);
        MemberListing listing = members.listing(filter, page.getSort(), cursor(after, page.getSort()),
                page.getOffset(), page.getPageSize());
        List<Member> found = listing.members();
        List<MemberResponse> content = found.stream().map(MemberResponse::of).toList();
        // A short, non-empty page counted from the start (no cursor) ends the matches: offset plus its size
        // is the exact count, so a rare search (the usual one while typing) reads its index entries once.
        boolean lastPage = (after == null || after.isEmpty()) && found.size() < page.getPageSize()
                && (!found.isEmpty() || page.getOffset() == 0);
        MemberCount total = lastPage ? new MemberCount(page.getOffset() + found.size(), true)
                : listing.count() != null ? listing.count() : members.countAbout(filter);
        int totalPages = (int) Math.min(Integer.MAX_VALUE, (total.value() + page.getPageSize() - 1) / page.getPageSize());
        String next = found.size() == page.getPageSize() && MemberService.seekable(page.getSort())
                ? MemberCursor.after(found.get(found.size() - 1), page.getSort()).encode()
                : null;
        return new MemberPageResponse(content, page.getPageNumber(), page.getPageSize(), total.value(), totalPages,
                total.exact(), next);
    }

    /** {@code after}: the {@code next} of the previous page; the page then counts from there (page=0 is right after it). */
    private static MemberCursor cursor(String after, Sort sort) {
        if (after == null || after.isEmpty()) {
            return null;
        }
        if (!MemberService.seekable(sort)) {
            throw new InvalidQueryException("after", "A cursor needs every sort order in the same direction");
        }
        try {
            return MemberCursor.decode(after, sort);
        } catch (IllegalArgumentException malformed) {
            throw new InvalidQueryException("after", malformed.getMessage()
                    + " (a cursor is only valid with the sort it was made for)");
        }
    }

    @GetMapping("/{id}")
    MemberResponse get(@PathVariable long id) {
        return members.find(id).map(MemberResponse::of).orElseThrow(() -> new MemberNotFoundException(id));
    }

    @PostMapping
    ResponseEntity<MemberResponse> create(@RequestBody MemberRequest request) {
        MemberResponse created = MemberResponse.of(members.create(request.toMember()));
        return ResponseEntity.created(URI.create("/api/members/" + created.id())).body(created);
    }

    @PutMapping("/{id}")
    MemberResponse update(@PathVariable long id, @RequestBody MemberRequest request) {
        if (request.version() == null) {
            throw new InvalidMemberException(List.of(new InvalidMemberException.FieldError("version",
                    "Send the version you read (from GET), so that a change made meanwhile is not overwritten")));
        }
        return MemberResponse.of(members.update(id, request.version(), request.toMember()));
    }

    @DeleteMapping("/{id}")
    ResponseEntity<Void> delete(@PathVariable long id) {
        members.delete(id);
        return ResponseEntity.noContent().build();
    }

    /** Refuses sorting by unknown properties and caps the page size. */
    private static Pageable checked(Pageable pageable) {
        for (Sort.Order order : pageable.getSort()) {
            if (!SORTABLE.contains(order.getProperty())) {
                throw new InvalidQueryException("sort", "Cannot sort by '" + order.getProperty()
                        + "'; use one of " + String.join(", ", SORTABLE.stream().sorted().toList()));
            }
        }
        int size = Math.min(pageable.getPageSize(), MAX_PAGE_SIZE);
        if ((long) pageable.getPageNumber() * size > Integer.MAX_VALUE) {
            // the database query takes the offset as an int: past that it failed as a 500
            throw new InvalidQueryException("page", "Page " + pageable.getPageNumber() + " of size " + size
                    + " is past any member; use a page of at most " + Integer.MAX_VALUE / size);
        }
        return PageRequest.of(pageable.getPageNumber(), size, pageable.getSort());
    }

    /** The search text follows the rules of the names it is matched against: plain and of bounded length. */
    private static String checkedSearch(String search) {
        if (search != null && search.length() > MAX_SEARCH_LENGTH) {
            throw new InvalidQueryException("q", "Search for at most " + MAX_SEARCH_LENGTH + " characters");
        }
        if (search != null && !PlainText.Validator.isPlain(search, false)) {
            throw new InvalidQueryException("q", "Search for printable characters only (no control characters)");
        }
        return search;
    }
}
