package memberstream.security;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The first admin. With no password configured, a random one is generated at the first start,
 * stored hashed and printed once in the log. The environment variable MEMBERSTREAM_ADMIN_PASSWORD
 * sets {@code password} through Spring's relaxed binding.
 */
@ConfigurationProperties("memberstream.admin")
public record AdminProperties(@DefaultValue("admin") String username, String password) {

    boolean hasPassword() {
        return password != null && !password.isBlank();
    }

    @Override
    public String toString() {
        return "AdminProperties[username=" + username + ", password=" + (hasPassword() ? "****" : "unset") + "]";
    }
}
