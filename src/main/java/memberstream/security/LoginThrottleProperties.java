package memberstream.security;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How wrong passwords slow down and then stop logins (see {@link LoginThrottle}). Counted per user
 * name and per client address; an address gets higher thresholds because several people may share
 * one (an office behind a NAT).
 *
 * @param delayAfter failures of a user name after which each next attempt must wait
 * @param firstDelay the first such wait; it doubles with each further failure (never beyond {@code lockFor})
 * @param lockAfter failures of a user name that lock it out for {@code lockFor}
 * @param addressDelayAfter as {@code delayAfter}, for a client address
 * @param addressLockAfter as {@code lockAfter}, for a client address
 * @param lockFor how long a lockout lasts; each failure after it locks again
 * @param forgetAfter failures are forgotten this long after the last one
 */
@ConfigurationProperties("memberstream.login")
public record LoginThrottleProperties(
        @DefaultValue("5") int delayAfter,
        @DefaultValue("1s") Duration firstDelay,
        @DefaultValue("10") int lockAfter,
        @DefaultValue("20") int addressDelayAfter,
        @DefaultValue("30") int addressLockAfter,
        @DefaultValue("15m") Duration lockFor,
        @DefaultValue("1h") Duration forgetAfter) {

    public LoginThrottleProperties {
        if (delayAfter < 1 || lockAfter < delayAfter || addressDelayAfter < 1 || addressLockAfter < addressDelayAfter) {
            throw new IllegalArgumentException("memberstream.login: need 1 <= delay-after <= lock-after "
                    + "and 1 <= address-delay-after <= address-lock-after");
        }
        if (firstDelay.isNegative() || firstDelay.isZero() || lockFor.compareTo(firstDelay) < 0
                || forgetAfter.compareTo(lockFor) < 0) {
            throw new IllegalArgumentException("memberstream.login: need 0 < first-delay <= lock-for <= forget-after");
        }
    }

    /** How long after the {@code failures}-th failure of a subject of this kind no attempt is checked. */
    Duration blockAfter(LoginSubject kind, int failures) {
        int delayFrom = kind == LoginSubject.ADDRESS ? addressDelayAfter : delayAfter;
        int lockFrom = kind == LoginSubject.ADDRESS ? addressLockAfter : lockAfter;
        if (failures >= lockFrom) {
            return lockFor;
        }
        if (failures < delayFrom) {
            return Duration.ZERO;
        }
        int doublings = Math.min(failures - delayFrom, 30);
        Duration delay = firstDelay.multipliedBy(1L << doublings);
        return delay.compareTo(lockFor) > 0 ? lockFor : delay;
    }

    boolean locksOut(LoginSubject kind, int failures) {
        return failures >= (kind == LoginSubject.ADDRESS ? addressLockAfter : lockAfter);
    }
}
