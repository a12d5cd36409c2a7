package memberstream.security;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.springframework.data.domain.Pageable;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Modifying;
import org.springframework.data.jpa.repository.Query;
import org.springframework.transaction.annotation.Transactional;

interface ApiTokenRepository extends JpaRepository<ApiToken, Long> {

    @Query("select t from ApiToken t join fetch t.user where t.tokenHash = ?1")
    Optional<ApiToken> findByTokenHash(String tokenHash);

    @Query("select t from ApiToken t join fetch t.user order by t.createdAt desc, t.id desc")
    List<ApiToken> findAllNewestFirst(Pageable page);

    /** Stamps the use unless one was stamped since {@code staleBefore}; a bulk update, so no version check. */
    @Transactional
    @Modifying
    @Query("update ApiToken t set t.lastUsedAt = ?2 where t.id = ?1 and (t.lastUsedAt is null or t.lastUsedAt < ?3)")
    int markUsed(long id, Instant usedAt, Instant staleBefore);
}
