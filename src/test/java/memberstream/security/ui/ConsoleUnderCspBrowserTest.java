package memberstream.security.ui;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import memberstream.ConsoleTest;
import memberstream.HeadlessChromium;
import memberstream.TestUsers;
import memberstream.security.Role;
import memberstream.security.UserService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.security.core.userdetails.UserDetailsService;

/**
 * The console in a real browser under its Content-Security-Policy: logging in through the form (which
 * must carry the CSRF token from the page), every view, a server round trip and a navigation work,
 * and the browser reports no policy violation on the way. Leaves
 * {@code target/screenshots/console-under-csp.png}.
 */
@ConsoleTest
class ConsoleUnderCspBrowserTest {

    private static final String ADMIN = "csp-browser-admin";
    private static final List<String> VIEWS = List.of("members", "settings", "events", "live", "streams",
            "deliveries", "users");

    @LocalServerPort
    int port;

    @Autowired
    UserService users;

    @Autowired
    UserDetailsService userDetails;

    HeadlessChromium chromium;

    @BeforeEach
    void startBrowser() throws IOException {
        TestUsers.ensure(userDetails, users, ADMIN, Role.ADMIN);
        chromium = HeadlessChromium.open(1400, 900);
    }

    @AfterEach
    void stopBrowser() {
        if (chromium != null) {
            chromium.close();
        }
    }

    @Test
    void everyViewWorksAndNothingIsRefusedByThePolicy() throws IOException {
        String base = "http://127.0.0.1:" + port;
        List<String> log = new ArrayList<>();

        chromium.logIn(base + "/members", ADMIN, TestUsers.PASSWORD);
        var wait = chromium.waitFor(Duration.ofSeconds(60));
        // a round trip: the button's click goes to the server, which navigates and renders the form
        wait.until(ExpectedConditions.elementToBeClickable(By.id("new-member"))).click();
        wait.until(ExpectedConditions.urlContains("/members/new"));
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("member-full-name")));
        log.addAll(chromium.browserLog());

        for (String view : VIEWS) {
            chromium.driver().get(base + "/" + view);
            // rendered by the server: the layout's drawer lists the views, and no request is in flight
            wait.until(driver -> Boolean.TRUE.equals(chromium.script(
                    "const layout = document.querySelector('vaadin-app-layout');"
                            + " const clients = window.Vaadin && window.Vaadin.Flow && window.Vaadin.Flow.clients;"
                            + " return !!layout && layout.innerText.includes('Members') && !!clients"
                            + " && Object.values(clients).every(c => !c.isActive || !c.isActive())")));
            assertThat(chromium.driver().getCurrentUrl()).as(view).endsWith("/" + view);
            log.addAll(chromium.browserLog());
        }
        chromium.screenshot("console-under-csp.png");

        assertThat(log).as("browser console").noneMatch(ConsoleUnderCspBrowserTest::refusedByThePolicy);

        // and the check above would have seen a violation: a script from elsewhere is refused and logged
        chromium.script("const s = document.createElement('script'); s.src = 'http://127.0.0.2:9/x.js';"
                + " document.head.appendChild(s);");
        chromium.waitFor(Duration.ofSeconds(10)).until(driver -> {
            log.addAll(chromium.browserLog());
            return log.stream().anyMatch(ConsoleUnderCspBrowserTest::refusedByThePolicy);
        });
    }

    private static boolean refusedByThePolicy(String consoleLine) {
        return consoleLine.contains("Content Security Policy") || consoleLine.contains("Refused to");
    }
}
