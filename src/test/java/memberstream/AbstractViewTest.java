package memberstream;

import com.github.mvysny.fakeservlet.FakeRequest;
import com.github.mvysny.kaributesting.v10.MockVaadin;
import com.github.mvysny.kaributesting.v10.Routes;
import com.github.mvysny.kaributesting.v10.spring.MockSpringServlet;
import com.vaadin.flow.component.UI;
import com.vaadin.flow.server.VaadinServletRequest;
import java.util.Set;
import java.util.stream.Collectors;
import kotlin.jvm.functions.Function0;
import memberstream.security.Role;
import memberstream.security.UserService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.core.userdetails.UserDetails;
import org.springframework.security.core.userdetails.UserDetailsService;

/**
 * Base for browserless view tests (karibu-testing): the real Spring context of {@link ConsoleTest},
 * a fresh mocked Vaadin UI per test, routes discovered once per JVM. Nobody is logged in until a
 * test calls {@link #login(String, Role)}; then navigate, e.g. {@code UI.getCurrent().navigate(SettingsView.class)}.
 */
@ConsoleTest
public abstract class AbstractViewTest {

    private static Routes routes;

    @Autowired
    private ApplicationContext context;

    @Autowired
    private UserDetailsService userDetailsService;

    @Autowired
    private UserService userService;

    @BeforeAll
    static void discoverRoutes() {
        if (routes == null) {
            routes = new Routes().autoDiscoverViews("memberstream");
        }
    }

    @BeforeEach
    void setUpVaadin() {
        Function0<UI> uiFactory = UI::new;
        MockVaadin.setup(uiFactory, new MockSpringServlet(routes, context, uiFactory));
    }

    @AfterEach
    void tearDownVaadin() {
        MockVaadin.tearDown();
        SecurityContextHolder.clearContext();
    }

    /**
     * Logs in as {@code username} with {@code role}, creating that user in the database first if
     * needed (password {@link TestUsers#PASSWORD}), so services see a real user and Vaadin's access
     * control sees the same principal and roles a logged-in browser session would have.
     */
    protected UserDetails login(String username, Role role) {
        UserDetails user = TestUsers.ensure(userDetailsService, userService, username, role);
        var authentication = UsernamePasswordAuthenticationToken.authenticated(user, null, user.getAuthorities());
        SecurityContext securityContext = SecurityContextHolder.createEmptyContext();
        securityContext.setAuthentication(authentication);
        SecurityContextHolder.setContext(securityContext);

        Set<String> roles = user.getAuthorities().stream()
                .map(GrantedAuthority::getAuthority)
                .map(authority -> authority.substring("ROLE_".length()))
                .collect(Collectors.toSet());
        FakeRequest request = (FakeRequest) VaadinServletRequest.getCurrent().getRequest();
        request.setUserPrincipalInt(authentication);
        request.setUserInRole((principal, askedRole) -> roles.contains(askedRole));
        return user;
    }

    /** Logs in as the first admin, as created at startup from {@link ConsoleTest}'s properties. */
    protected UserDetails loginAsAdmin() {
        return login(ConsoleTest.ADMIN_USERNAME, Role.ADMIN);
    }

    /** Logs in as a viewer (read-only user). */
    protected UserDetails loginAsViewer() {
        return login("viewer", Role.VIEWER);
    }

    protected void logout() {
        SecurityContextHolder.clearContext();
        FakeRequest request = (FakeRequest) VaadinServletRequest.getCurrent().getRequest();
        request.setUserPrincipalInt(null);
        request.setUserInRole((principal, askedRole) -> false);
    }
}
