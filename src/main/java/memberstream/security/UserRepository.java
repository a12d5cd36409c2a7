package memberstream.security;

import jakarta.persistence.LockModeType;
import java.util.List;
import java.util.Optional;
import org.springframework.data.domain.Pageable;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Lock;
import org.springframework.data.jpa.repository.Query;

interface UserRepository extends JpaRepository<UserAccount, Long> {

    @Query("select u from UserAccount u where lower(u.username) = lower(?1)")
    Optional<UserAccount> findByUsernameIgnoringCase(String username);

    @Query("select u from UserAccount u order by lower(u.username)")
    List<UserAccount> findAllOrdered(Pageable page);

    /**
     * The enabled admins, locked until the transaction ends: two admins demoting, disabling or deleting
     * each other at the same moment are serialized, so one enabled admin always remains.
     */
    @Lock(LockModeType.PESSIMISTIC_WRITE)
    @Query("select u from UserAccount u where u.role = memberstream.security.Role.ADMIN and u.enabled = true")
    List<UserAccount> lockEnabledAdmins();
}
