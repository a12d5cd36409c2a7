package memberstream.security;

import java.util.List;
import org.springframework.data.domain.Pageable;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Query;

interface UserAuditRepository extends JpaRepository<UserAuditEntry, Long> {

    @Query("select a from UserAuditEntry a order by a.at desc, a.id desc")
    List<UserAuditEntry> findNewestFirst(Pageable page);
}
