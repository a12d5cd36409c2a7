package memberstream.member.ui;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import memberstream.ConsoleTest;
import memberstream.HeadlessChromium;
import memberstream.TestUsers;
import memberstream.member.MemberFilter;
import memberstream.member.MemberService;
import memberstream.security.Role;
import memberstream.security.UserService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.security.core.userdetails.UserDetailsService;

/**
 * One real browser session (headless Chromium): log in as an admin, create a member, see it in
 * the grid. Leaves {@code target/screenshots/members-created.png} for a person to look at.
 */
@ConsoleTest
class MembersBrowserTest {

    private static final String ADMIN = "members-browser-admin";

    @LocalServerPort
    int port;

    @Autowired
    MemberService members;

    @Autowired
    UserService users;

    @Autowired
    UserDetailsService userDetails;

    HeadlessChromium chromium;
    WebDriver browser;
    WebDriverWait wait;

    @BeforeEach
    void startBrowser() throws IOException {
        // An admin of our own: other tests in the shared context may change the first admin's password.
        TestUsers.ensure(userDetails, users, ADMIN, Role.ADMIN);
        chromium = HeadlessChromium.open(1400, 900);
        browser = chromium.driver();
        wait = chromium.waitFor(Duration.ofSeconds(30));
    }

    @AfterEach
    void stopBrowser() {
        if (chromium != null) {
            chromium.close();
        }
    }

    @Test
    void anAdminLogsInCreatesAMemberAndSeesItInTheGrid() throws IOException {
        String tag = UUID.randomUUID().toString().substring(0, 6);
        String name = "Ada Lovelace " + tag;
        String email = "ada-" + tag + "@example.org";

        chromium.logIn("http://127.0.0.1:" + port + "/members", ADMIN, TestUsers.PASSWORD);
        wait.until(ExpectedConditions.elementToBeClickable(By.id("new-member"))).click();
        wait.until(ExpectedConditions.urlContains("/members/new"));
        chromium.type(wait.until(ExpectedConditions.elementToBeClickable(By.cssSelector("#member-full-name input"))), name);
        chromium.type(browser.findElement(By.cssSelector("#member-email input")), email);
        chromium.type(browser.findElement(By.cssSelector("#member-phone input")), "+44 20 7946 0000");
        browser.findElement(By.id("member-save")).click();

        wait.until(ExpectedConditions.urlMatches("/members/\\d+$"));
        By row = By.xpath("//vaadin-grid-cell-content[normalize-space(.)='" + email + "']");
        wait.until(ExpectedConditions.visibilityOfElementLocated(row));
        assertThat(members.count(new MemberFilter(email, null, null))).isEqualTo(1);
        assertThat(browser.findElement(By.cssSelector("#member-full-name input")).getDomProperty("value"))
                .isEqualTo(name);

        Path screenshot = chromium.screenshot("members-created.png");
        assertThat(Files.size(screenshot)).isGreaterThan(10_000);
    }
}
