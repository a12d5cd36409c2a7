package memberstream.security;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.vaadin.flow.spring.security.VaadinWebSecurity;
import memberstream.security.ui.LoginView;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpMethod;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.authentication.dao.DaoAuthenticationProvider;
import org.springframework.security.config.annotation.method.configuration.EnableMethodSecurity;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configuration.EnableWebSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.config.observation.SecurityObservationSettings;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.core.context.SecurityContextHolderStrategy;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.authentication.AccountStatusUserDetailsChecker;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.access.intercept.AuthorizationFilter;
import org.springframework.security.web.authentication.www.BasicAuthenticationFilter;
import org.springframework.security.web.csrf.CsrfFilter;
import org.springframework.security.web.header.writers.ReferrerPolicyHeaderWriter.ReferrerPolicy;

/**
 * Two filter chains over the same users: {@code /api/**} is stateless, with API tokens (bearer) or
 * HTTP Basic (reads for any user, writes for admins, errors as RFC 7807 problem details); everything
 * else is Vaadin with its login view. {@code /actuator/health} is open; its details are shown to
 * admins only. Every password check, form or Basic, goes through {@link LoginThrottle}. The login form
 * needs the session's CSRF token ({@link LoginFormCsrfFilter}); every answer carries a
 * Content-Security-Policy, Referrer-Policy and Spring's defaults (nosniff, X-Frame-Options DENY). A
 * console session ends on its next request once its user is disabled, deleted or has another role
 * ({@link AccountStateFilter}).
 */
@Configuration
@EnableWebSecurity
@EnableMethodSecurity
class SecurityConfiguration extends VaadinWebSecurity {

    /**
     * What Vaadin Flow needs (its bootstrap is an inline script, it builds functions from the JavaScript
     * the server sends, and its components set inline styles) and nothing more: no other origin for
     * anything, no plugins, no framing, forms only to ourselves. Push uses a same-origin WebSocket.
     */
    static final String CONSOLE_CSP = "default-src 'self'; script-src 'self' 'unsafe-inline' 'unsafe-eval'; "
            + "style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; font-src 'self' data:; "
            + "connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

    private final ObjectMapper objectMapper;
    private final AccountStates accounts;
    private final ObjectProvider<SecurityContextHolderStrategy> consoleSecurityContexts;

    SecurityConfiguration(ObjectMapper objectMapper, AccountStates accounts,
            ObjectProvider<SecurityContextHolderStrategy> consoleSecurityContexts) {
        this.objectMapper = objectMapper;
        this.accounts = accounts;
        this.consoleSecurityContexts = consoleSecurityContexts;
    }

    @Bean
    PasswordEncoder passwordEncoder() {
        // BCrypt on every HTTP Basic request too: scripts that call often should use an API token
        return new BCryptPasswordEncoder();
    }

    /** The global password check, throttled; both chains use it. */
    @Bean
    AuthenticationProvider throttledAuthenticationProvider(UserDetailsService users, PasswordEncoder passwordEncoder,
            LoginThrottle throttle) {
        var passwords = new DaoAuthenticationProvider(users);
        passwords.setPasswordEncoder(passwordEncoder);
        // the password first, then whether the user is disabled: "disabled" is said only to who knows the password
        passwords.setPreAuthenticationChecks(user -> { });
        passwords.setPostAuthenticationChecks(new AccountStatusUserDetailsChecker());
        return new ThrottledAuthenticationProvider(passwords, throttle);
    }

    /**
     * No Micrometer observation around each security filter, authentication and authorization: on an
     * API save it wrapped some fifteen filters and was a measurable share of the request's CPU. HTTP
     * server metrics still time every request.
     */
    @Bean
    SecurityObservationSettings securityObservationSettings() {
        return SecurityObservationSettings.noObservations();
    }

    @Bean
    @Order(1)
    SecurityFilterChain apiFilterChain(HttpSecurity http, ApiTokens tokens, LoginThrottle throttle,
            ObjectProvider<SecurityContextHolderStrategy> securityContexts) throws Exception {
        var problems = new ProblemSecurityResponses(objectMapper);
        var bearer = new ApiTokenFilter(tokens, throttle, problems,
                securityContexts.getIfUnique(SecurityContextHolder::getContextHolderStrategy));
        http.securityMatcher("/api/**")
                .addFilterBefore(bearer, BasicAuthenticationFilter.class)
                .authorizeHttpRequests(requests -> requests
                        .requestMatchers(HttpMethod.GET, "/api/**").authenticated()
                        .requestMatchers(HttpMethod.HEAD, "/api/**").authenticated()
                        .anyRequest().hasRole(Role.ADMIN.name()))
                .httpBasic(basic -> basic.authenticationEntryPoint(problems))
                .exceptionHandling(errors -> errors.authenticationEntryPoint(problems).accessDeniedHandler(problems))
                .sessionManagement(session -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                // a stateless API authenticated on every request has no session for CSRF to ride on
                .csrf(csrf -> csrf.disable());
        http.headers(headers -> headers
                .contentSecurityPolicy(csp -> csp.policyDirectives("default-src 'none'; frame-ancestors 'none'"))
                .referrerPolicy(referrer -> referrer.policy(ReferrerPolicy.NO_REFERRER)));
        return http.build();
    }

    @Override
    protected void configure(HttpSecurity http) throws Exception {
        http.authorizeHttpRequests(requests -> requests
                .requestMatchers("/actuator/health", "/actuator/health/**").permitAll());
        super.configure(http);
        setLoginView(http, LoginView.class);
        http.addFilterAfter(new LoginFormCsrfFilter("/login"), CsrfFilter.class);
        http.addFilterBefore(new AccountStateFilter(accounts,
                consoleSecurityContexts.getIfUnique(SecurityContextHolder::getContextHolderStrategy)),
                AuthorizationFilter.class);
        http.headers(headers -> headers
                .contentSecurityPolicy(csp -> csp.policyDirectives(CONSOLE_CSP))
                .referrerPolicy(referrer -> referrer.policy(ReferrerPolicy.SAME_ORIGIN)));
        http.formLogin(form -> form.failureHandler(new LoginFailureRedirect()));
    }
}
