package memberstream.security;

import jakarta.validation.ConstraintViolationException;
import jakarta.validation.Validator;
import java.time.Clock;
import java.util.List;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.data.domain.Pageable;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** The one way to list and add console users. Only admins may do either. */
@Service
public class UserService {

    private final UserRepository users;
    private final PasswordEncoder passwordEncoder;
    private final Validator validator;
    private final Clock clock;

    UserService(UserRepository users, PasswordEncoder passwordEncoder, Validator validator, Clock clock) {
        this.users = users;
        this.passwordEncoder = passwordEncoder;
        this.validator = validator;
        this.clock = clock;
    }

    @PreAuthorize("hasRole('ADMIN')")
    @Transactional(readOnly = true)
    public List<UserSummary> list(Pageable page) {
        return users.findAllOrdered(page).stream().map(UserAccount::summary).toList();
    }

    @PreAuthorize("hasRole('ADMIN')")
    @Transactional(readOnly = true)
    public long count() {
        return users.count();
    }

    /**
     * Adds a user.
     *
     * @throws ConstraintViolationException when a field is invalid
     * @throws UsernameTakenException when the name is in use
     */
    @PreAuthorize("hasRole('ADMIN')")
    @Transactional
    public UserSummary add(NewUser newUser) {
        var violations = validator.validate(newUser);
        if (!violations.isEmpty()) {
            throw new ConstraintViolationException(violations);
        }
        if (users.findByUsernameIgnoringCase(newUser.username()).isPresent()) {
            throw new UsernameTakenException(newUser.username());
        }
        var account = new UserAccount(newUser.username(), passwordEncoder.encode(newUser.password()),
                newUser.role(), clock.instant());
        try {
            return users.saveAndFlush(account).summary();
        } catch (DataIntegrityViolationException raceWithAnotherAdd) {
            throw new UsernameTakenException(newUser.username());
        }
    }
}
