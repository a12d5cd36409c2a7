package memberstream.member;

import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.JpaSpecificationExecutor;
import org.springframework.data.jpa.repository.Query;
import org.springframework.data.repository.query.Param;

/** Package-private: everything outside this package goes through {@link MemberService}. */
interface MemberRepository extends JpaRepository<Member, Long>, JpaSpecificationExecutor<Member> {

    /** Whether a member other than {@code exceptId} (null: any) uses this email in any capitalisation. */
    @Query("""
            select count(m) > 0 from Member m
            where lower(m.email) = lower(:email) and (:exceptId is null or m.id <> :exceptId)""")
    boolean emailTaken(@Param("email") String email, @Param("exceptId") Long exceptId);
}
