package memberstream.member.ui;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.UUID;
import memberstream.ConsoleTest;
import memberstream.HeadlessChromium;
import memberstream.TestUsers;
import memberstream.member.Member;
import memberstream.member.MemberFilter;
import memberstream.member.MemberRole;
import memberstream.member.MemberService;
import memberstream.member.MemberStatus;
import memberstream.security.Role;
import memberstream.security.UserService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Rectangle;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.WindowType;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.authority.AuthorityUtils;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.core.userdetails.UserDetailsService;

/**
 * The members page in headless Chromium as a person meets it, at 1440×900 and at 390×844: the email
 * error is shown, a header click sorts by that column alone, a second tab's grid updates by itself,
 * and on a phone New member is on screen and opens a usable form. Screenshots go to
 * {@code target/screenshots/members-page-*.png} for a person to look at.
 */
@ConsoleTest
class MembersPageBrowserTest {

    private static final String ADMIN = "members-page-admin";

    @LocalServerPort
    int port;

    @Autowired
    MemberService members;

    @Autowired
    UserService users;

    @Autowired
    UserDetailsService userDetails;

    HeadlessChromium chromium;
    String tag;

    @BeforeEach
    void seed() {
        TestUsers.ensure(userDetails, users, ADMIN, Role.ADMIN);
        tag = UUID.randomUUID().toString().substring(0, 6);
        SecurityContext admin = SecurityContextHolder.createEmptyContext();
        admin.setAuthentication(UsernamePasswordAuthenticationToken.authenticated(
                "another-admin", null, AuthorityUtils.createAuthorityList("ROLE_ADMIN")));
        SecurityContextHolder.setContext(admin);
        add("Ann Early " + tag, 2001);
        add("Bob Late " + tag, 2023);
        add("Cy Middle " + tag, 2012);
    }

    @AfterEach
    void stop() {
        SecurityContextHolder.clearContext();
        if (chromium != null) {
            chromium.close();
        }
    }

    @Test
    void onADesktopTheEmailErrorShowsAHeaderSortsAloneAndASecondTabUpdatesItself() throws IOException {
        chromium = HeadlessChromium.open(1440, 900);
        WebDriver browser = chromium.driver();
        WebDriverWait wait = chromium.waitFor(Duration.ofSeconds(30));
        chromium.logIn(url("/members"), ADMIN, TestUsers.PASSWORD);
        browser.get(url("/members?q=" + tag));
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.className("member-count"), "3 members"));
        wait.until(driver -> ("Ann Early " + tag).equals(firstRowName(driver)));

        // One click on Joined: by join date alone, not behind Name.
        browser.findElement(By.xpath("//vaadin-grid-sorter[normalize-space(.)='Joined']")).click();
        wait.until(ExpectedConditions.urlContains("sort=joinedOn"));
        assertThat(browser.findElements(By.cssSelector("vaadin-grid-sorter[direction]"))).hasSize(1);
        browser.findElement(By.xpath("//vaadin-grid-sorter[normalize-space(.)='Joined']")).click();
        wait.until(ExpectedConditions.urlContains("sort=-joinedOn"));
        wait.until(driver -> ("Bob Late " + tag).equals(firstRowName(driver)));
        chromium.screenshot("members-page-sorted-1440.png");

        // A malformed email: the field says why, and so does Save.
        browser.findElement(By.id("new-member")).click();
        wait.until(ExpectedConditions.urlContains("/members/new"));
        chromium.type(wait.until(ExpectedConditions.elementToBeClickable(By.cssSelector("#member-full-name input"))),
                "Dee " + tag);
        chromium.type(browser.findElement(By.cssSelector("#member-email input")), "a@b");
        browser.findElement(By.id("member-save")).click();
        WebElement error = wait.until(ExpectedConditions.visibilityOfElementLocated(
                By.cssSelector("#member-email [slot='error-message']")));
        assertThat(error.getText()).isEqualTo("Enter a valid email address, like name@example.org");
        assertThat(browser.findElement(By.id("member-form-summary")).getText()).startsWith("Not saved");
        chromium.screenshot("members-page-email-error-1440.png");
        assertThat(members.count(new MemberFilter("Dee " + tag, null, null))).isZero();

        // A second tab shows the list; a member added elsewhere appears there by itself.
        // A notification of the refused save may still lie over the form's foot: click the button itself.
        chromium.script("arguments[0].scrollIntoView({block: 'center'}); arguments[0].click()",
                browser.findElement(By.id("member-close")));
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.tagName("vaadin-confirm-dialog-overlay")));
        browser.findElement(By.xpath("//vaadin-button[normalize-space(.)='Discard changes']")).click();
        browser.switchTo().newWindow(WindowType.TAB);
        browser.get(url("/members?q=" + tag));
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.className("member-count"), "3 members"));
        add("Eve Pushed " + tag, 2020);
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.className("member-count"), "4 members"));
        wait.until(ExpectedConditions.visibilityOfElementLocated(
                By.xpath("//vaadin-grid-cell-content[normalize-space(.)='Eve Pushed " + tag + "']")));
        chromium.screenshot("members-page-second-tab-1440.png");
    }

    @Test
    void onAPhoneNewMemberIsOnScreenAndOpensAUsableForm() throws IOException {
        chromium = HeadlessChromium.open(390, 844);
        WebDriver browser = chromium.driver();
        WebDriverWait wait = chromium.waitFor(Duration.ofSeconds(30));
        chromium.logIn(url("/members"), ADMIN, TestUsers.PASSWORD);
        browser.get(url("/members?q=" + tag));
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.className("member-count"), "3 members"));
        int width = ((Number) chromium.script("return window.innerWidth")).intValue();
        // Secondary columns dropped: no Email header on a phone.
        wait.until(driver -> driver.findElements(By.xpath("//vaadin-grid-sorter[normalize-space(.)='Email']")).isEmpty());
        chromium.screenshot("members-page-list-390.png");

        WebElement newMember = browser.findElement(By.id("new-member"));
        assertThat(onScreen(newMember.getRect(), width)).as("New member within %d px", width).isTrue();
        assertThat(onScreen(browser.findElement(By.id("member-status-filter")).getRect(), width)).isTrue();
        newMember.click();
        WebElement name = wait.until(ExpectedConditions.elementToBeClickable(By.cssSelector("#member-full-name input")));
        assertThat(onScreen(browser.findElement(By.id("member-full-name")).getRect(), width)).isTrue();
        assertThat(onScreen(browser.findElement(By.id("member-email")).getRect(), width)).isTrue();
        chromium.type(name, "Fay Phone " + tag);
        chromium.type(browser.findElement(By.cssSelector("#member-email input")), "fay-" + tag + "@example.org");
        chromium.screenshot("members-page-form-390.png");
        WebElement save = browser.findElement(By.id("member-save"));
        chromium.script("arguments[0].scrollIntoView({block: 'center'})", save);
        wait.until(ExpectedConditions.elementToBeClickable(save)).click();

        wait.until(ExpectedConditions.urlMatches("/members/\\d+"));
        assertThat(members.count(new MemberFilter("fay-" + tag, null, null))).isEqualTo(1);
    }

    private static boolean onScreen(Rectangle rect, int width) {
        return rect.getX() >= 0 && rect.getX() + rect.getWidth() <= width && rect.getWidth() > 0;
    }

    /** The name in the grid's first row (rendered rows are recycled: the DOM order says nothing). */
    private String firstRowName(WebDriver browser) {
        Object name = chromium.script("""
                const grid = document.querySelector('vaadin-grid.members-grid');
                const row = [...grid.shadowRoot.querySelectorAll('tbody tr')].find(r => r.index === 0 && !r.hidden);
                if (!row) return '';
                const slot = row.querySelector('td slot');
                const content = slot && grid.querySelector('vaadin-grid-cell-content[slot="' + slot.name + '"]');
                return content ? content.textContent.trim() : '';""");
        return name == null ? "" : name.toString();
    }

    private void add(String name, int year) {
        String email = name.toLowerCase().replace(' ', '-') + "@example.org";
        members.create(new Member(name, email, MemberRole.MEMBER, MemberStatus.ACTIVE, LocalDate.of(year, 3, 1)));
    }

    private String url(String path) {
        return "http://127.0.0.1:" + port + path;
    }
}
