package memberstream.member.api;

import java.time.LocalDate;
import memberstream.member.Member;
import memberstream.member.MemberRole;
import memberstream.member.MemberStatus;

/**
 * The body of POST and PUT /api/members. Validation is the service's (the constraints on
 * {@link Member}), so the API and the form refuse exactly the same input with the same field names.
 * {@code version} is required by PUT: the version the client read, to detect a change made meanwhile.
 */
record MemberRequest(
        String fullName,
        String email,
        String phone,
        MemberRole role,
        MemberStatus status,
        LocalDate joinedOn,
        String notes,
        Long version) {

    Member toMember() {
        Member member = new Member(fullName, email, role, status, joinedOn);
        member.setPhone(phone);
        member.setNotes(notes);
        return member;
    }
}
