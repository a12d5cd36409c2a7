package memberstream.member.api;

import java.time.Instant;
import java.time.LocalDate;
import memberstream.member.Member;
import memberstream.member.MemberRole;
import memberstream.member.MemberStatus;

/** A member as the API shows it; {@code version} goes back in the next PUT. */
record MemberResponse(
        long id,
        String fullName,
        String email,
        String phone,
        MemberRole role,
        MemberStatus status,
        LocalDate joinedOn,
        String notes,
        Instant createdAt,
        Instant updatedAt,
        long version) {

    static MemberResponse of(Member member) {
        return new MemberResponse(member.getId(), member.getFullName(), member.getEmail(), member.getPhone(),
                member.getRole(), member.getStatus(), member.getJoinedOn(), member.getNotes(),
                member.getCreatedAt(), member.getUpdatedAt(), member.getVersion());
    }
}
