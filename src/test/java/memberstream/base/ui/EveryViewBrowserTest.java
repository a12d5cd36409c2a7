package memberstream.base.ui;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import memberstream.ConsoleTest;
import memberstream.HeadlessChromium;
import memberstream.TestUsers;
import memberstream.member.Member;
import memberstream.member.MemberRole;
import memberstream.member.MemberService;
import memberstream.member.MemberStatus;
import memberstream.security.NewUser;
import memberstream.security.Role;
import memberstream.security.UserService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.security.core.userdetails.UserDetailsService;

/**
 * Every view in headless Chromium at 1440×900 and at 390×844, as a person walks through the console:
 * each view is rendered with nothing reaching past the window's right edge (grids scroll inside
 * themselves), on a phone the navigation is a drawer that opens from the toggle, an event's detail
 * opens from the event log, a viewer typing {@code /users} is told it needs the admin role, and a
 * disabled user can neither log in nor call the API. On a phone no grid scrolls sideways either, the
 * event log's grid starts in the first screen with the page not scrolling around it, the live tail's
 * chart text shows at 10 px or more, and a user's actions open from a menu with the keyboard.
 * Screenshots of each view at each width go to {@code target/screenshots/view-*.png}, to be looked at.
 */
@ConsoleTest
class EveryViewBrowserTest {

    private static final String ADMIN = "every-view-admin";
    private static final String VIEWER = "every-view-viewer";
    private static final int PHONE = 390;
    private static final int DESKTOP = 1440;

    @LocalServerPort
    int port;
    @Autowired
    MemberService members;
    @Autowired
    UserService users;
    @Autowired
    UserDetailsService userDetails;

    HeadlessChromium chromium;
    WebDriverWait wait;
    long memberId;

    @BeforeEach
    void seed() {
        TestUsers.ensure(userDetails, users, ADMIN, Role.ADMIN);
        TestUsers.ensure(userDetails, users, VIEWER, Role.VIEWER);
        String tag = UUID.randomUUID().toString().substring(0, 6);
        TestUsers.runAsAdmin(() -> memberId = members.create(new Member("Grace Tour " + tag,
                "grace-" + tag + "@example.org", MemberRole.BOARD, MemberStatus.ACTIVE, LocalDate.of(2020, 5, 1)))
                .getId());
        TestUsers.runAsAdmin(() -> {
            var member = members.find(memberId).orElseThrow();
            member.setPhone("+44 20 7946 0000");
            member.setNotes("Moved to the board in " + tag);
            members.update(memberId, member.getVersion(), member);
        });
    }

    @AfterEach
    void stop() {
        if (chromium != null) {
            chromium.close();
        }
    }

    @Test
    void onAPhoneEveryViewFitsAndTheNavigationIsADrawer() throws IOException {
        open(PHONE, 844);
        chromium.screenshot("view-login-390.png");
        chromium.logIn(url("/members"), ADMIN, TestUsers.PASSWORD);
        tour(PHONE);
        theEventLogsGridHasTheFirstScreen();
        theLiveChartsTextIsReadable();
        aUsersActionsOpenFromTheKeyboard();

        // the drawer is closed until the toggle opens it, then lists the views
        chromium.driver().get(url("/members"));
        ready();
        assertThat(drawerOpened()).isFalse();
        chromium.driver().findElement(By.tagName("vaadin-drawer-toggle")).click();
        wait.until(driver -> drawerOpened());
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.xpath("//vaadin-side-nav-item[@path='users']")));
        chromium.screenshot("view-drawer-390.png");
        chromium.driver().findElement(By.xpath("//vaadin-side-nav-item[@path='users']")).click();
        wait.until(ExpectedConditions.urlContains("/users"));
        wait.until(driver -> !drawerOpened());

        viewerIsToldThatUsersNeedsTheAdminRole(PHONE);
    }

    @Test
    void onADesktopEveryViewFitsAndADisabledUserIsShutOut() throws IOException {
        open(DESKTOP, 900);
        chromium.logIn(url("/members"), ADMIN, TestUsers.PASSWORD);
        tour(DESKTOP);
        viewerIsToldThatUsersNeedsTheAdminRole(DESKTOP);

        String disabled = "every-view-disabled-" + UUID.randomUUID().toString().substring(0, 6);
        TestUsers.runAsAdmin(() -> users.add(new NewUser(disabled, TestUsers.PASSWORD, Role.VIEWER)));
        assertThat(apiStatus(disabled)).as("enabled").isEqualTo(200);
        TestUsers.runAsAdmin(() -> users.setEnabled(disabled, false));
        assertThat(apiStatus(disabled)).as("disabled").isEqualTo(401);

        chromium.driver().manage().deleteAllCookies();
        chromium.driver().get(url("/login"));
        chromium.type(wait.until(ExpectedConditions.elementToBeClickable(By.cssSelector("input[name='username']"))),
                disabled);
        chromium.type(chromium.driver().findElement(By.cssSelector("input[name='password']")), TestUsers.PASSWORD);
        chromium.driver().findElement(By.cssSelector("vaadin-login-form vaadin-button")).click();
        wait.until(ExpectedConditions.urlContains("error"));
        wait.until(driver -> Boolean.TRUE.equals(chromium.script(
                "const form = document.querySelector('vaadin-login-form'); return !!form && form.error === true")));
        chromium.screenshot("view-login-disabled-1440.png");
        chromium.driver().get(url("/members"));
        wait.until(ExpectedConditions.urlContains("/login"));
    }

    /** Every view of an admin, plus a member's form with its history and an event's detail. */
    private void tour(int width) throws IOException {
        List<String> clipped = new ArrayList<>();
        List<String> sideways = new ArrayList<>();
        for (String view : List.of("members", "members/" + memberId, "members/import", "users", "account",
                "events", "settings", "live", "streams", "streams/members", "deliveries")) {
            chromium.driver().get(url("/" + view));
            ready();
            chromium.script("return new Promise(resolve => setTimeout(resolve, 300))"); // columns fitted to the width
            clipped.addAll(pastTheRightEdge(view));
            sideways.addAll(gridsScrollingSideways(view));
            chromium.screenshot("view-" + view.replace('/', '-').replaceAll("\\d+", "id") + "-" + width + ".png");
        }
        assertThat(clipped).as("elements reaching past the window's right edge").isEmpty();
        assertThat(sideways).as("grids scrolling sideways at " + width + " px").isEmpty();

        chromium.driver().get(url("/events"));
        ready();
        wait.until(ExpectedConditions.elementToBeClickable(By.cssSelector("vaadin-grid.event-log-grid vaadin-grid-cell-content")));
        WebElement cell = wait.until(driver -> driver.findElements(
                By.cssSelector("vaadin-grid.event-log-grid vaadin-grid-cell-content")).stream()
                .filter(content -> content.getText().contains(String.valueOf(memberId))).findFirst().orElse(null));
        chromium.script("arguments[0].click()", cell);
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("vaadin-dialog-overlay")));
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.tagName("vaadin-dialog-overlay"),
                "\"specversion\""));
        chromium.screenshot("view-event-detail-" + width + ".png");
    }

    /** The filters are folded into a summary: the grid starts in the upper half and the page itself does not scroll. */
    private void theEventLogsGridHasTheFirstScreen() {
        chromium.driver().get(url("/events"));
        ready();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("vaadin-grid.event-log-grid")));
        @SuppressWarnings("unchecked")
        var layout = (java.util.Map<String, Number>) chromium.script("""
                const grid = document.querySelector('vaadin-grid.event-log-grid').getBoundingClientRect();
                const content = document.querySelector('vaadin-app-layout').shadowRoot.querySelector('[content]');
                return {gridTop: grid.top, gridHeight: grid.height, window: window.innerHeight,
                        pageScroll: content.scrollHeight - content.clientHeight};""");
        assertThat(layout.get("gridTop").doubleValue()).as("grid top").isLessThan(layout.get("window").doubleValue() / 2);
        assertThat(layout.get("gridHeight").doubleValue()).as("grid height").isGreaterThan(300);
        assertThat(layout.get("pageScroll").doubleValue()).as("the page scrolling around the grid").isLessThanOrEqualTo(1);
        var filters = chromium.driver().findElement(By.cssSelector("vaadin-details.event-log-filters"));
        assertThat(filters.getText()).contains("Filters: none");
        chromium.script("arguments[0].querySelector('vaadin-details-summary').click()", filters);
        wait.until(ExpectedConditions.visibilityOfElementLocated(
                By.cssSelector("vaadin-details.event-log-filters vaadin-select")));
    }

    /** The charts are drawn at the phone's width, so their smallest text is at least 10 px on screen. */
    private void theLiveChartsTextIsReadable() throws IOException {
        chromium.driver().get(url("/live"));
        ready();
        wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#events-per-minute svg text")));
        chromium.script("return new Promise(resolve => setTimeout(resolve, 500))"); // redrawn for the width
        ready();
        Number smallest = (Number) chromium.script("""
                return Math.min(...[...document.querySelectorAll('.chart svg text')].map(text => {
                  const svg = text.ownerSVGElement;
                  const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
                  return parseFloat(getComputedStyle(text).fontSize) * scale;
                }));""");
        chromium.screenshot("view-live-charts-390.png");
        assertThat(smallest.doubleValue()).as("smallest chart text on screen, px").isGreaterThanOrEqualTo(10);
    }

    /** A user's row has one Actions button on screen, and Enter on it opens its menu. */
    private void aUsersActionsOpenFromTheKeyboard() throws IOException {
        chromium.driver().get(url("/users"));
        ready();
        WebElement actions = wait.until(ExpectedConditions.visibilityOfElementLocated(
                By.cssSelector("vaadin-grid.users-grid vaadin-menu-bar.user-actions-menu vaadin-menu-bar-button")));
        Number right = (Number) chromium.script("return arguments[0].getBoundingClientRect().right", actions);
        assertThat(right.doubleValue()).as("the Actions button's right edge").isLessThanOrEqualTo(PHONE);
        chromium.script("arguments[0].focus()", actions);
        new org.openqa.selenium.interactions.Actions(chromium.driver()).sendKeys(org.openqa.selenium.Keys.ENTER)
                .perform();
        wait.until(driver -> driver.findElements(By.tagName("vaadin-menu-bar-item")).stream()
                .anyMatch(item -> item.isDisplayed() && item.getText().contains("Reset password")));
        chromium.screenshot("view-users-actions-390.png");
    }

    private void viewerIsToldThatUsersNeedsTheAdminRole(int width) throws IOException {
        chromium.driver().manage().deleteAllCookies();
        chromium.logIn(url("/members"), VIEWER, TestUsers.PASSWORD);
        chromium.driver().get(url("/users"));
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.className("access-denied-view"),
                "This page needs the admin role"));
        assertThat(pastTheRightEdge("access denied")).isEmpty();
        chromium.screenshot("view-access-denied-" + width + ".png");
        chromium.driver().findElement(By.className("access-denied-back")).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.className("members-grid")));
    }

    private void open(int width, int height) throws IOException {
        chromium = HeadlessChromium.open(width, height);
        wait = chromium.waitFor(Duration.ofSeconds(60));
        chromium.driver().get(url("/login"));
        wait.until(ExpectedConditions.elementToBeClickable(By.cssSelector("input[name='username']")));
    }

    /** Rendered by the server: the layout is there and no request is in flight. */
    private void ready() {
        wait.until(driver -> Boolean.TRUE.equals(chromium.script(
                "const layout = document.querySelector('vaadin-app-layout');"
                        + " const clients = window.Vaadin && window.Vaadin.Flow && window.Vaadin.Flow.clients;"
                        + " return !!layout && !!clients"
                        + " && Object.values(clients).every(c => !c.isActive || !c.isActive())")));
    }

    private boolean drawerOpened() {
        return Boolean.TRUE.equals(chromium.script("return document.querySelector('vaadin-app-layout').drawerOpened"));
    }

    /**
     * Visible elements of the page that reach past the window's right edge, unless something between
     * them and the page scrolls or clips them (a grid, a pre with its own scroll bar): named by tag,
     * class and id, prefixed with the view.
     */
    @SuppressWarnings("unchecked")
    private List<String> pastTheRightEdge(String view) {
        var found = (List<String>) chromium.script("""
                const width = window.innerWidth;
                const clippedByAncestor = element => {
                  for (let a = element.parentElement; a && a !== document.body; a = a.parentElement) {
                    const overflow = getComputedStyle(a).overflowX;
                    if (overflow !== 'visible' && a.getBoundingClientRect().right <= width + 1) return true;
                  }
                  return false;
                };
                const content = document.querySelector('vaadin-app-layout').shadowRoot.querySelector('[content]');
                const sideways = content.scrollWidth > content.clientWidth + 1
                    ? ['the page scrolls sideways: ' + content.scrollWidth + ' > ' + content.clientWidth] : [];
                return sideways.concat([...document.querySelectorAll('vaadin-app-layout *')]
                  .filter(e => !e.closest('vaadin-grid'))
                  .filter(e => { const r = e.getBoundingClientRect(); return r.width > 0 && r.height > 0 && r.right > width + 1; })
                  .filter(e => !clippedByAncestor(e))
                  .slice(0, 5)
                  .map(e => e.tagName.toLowerCase() + (e.className && e.className.baseVal === undefined ? '.' + e.className : '')
                      + (e.id ? '#' + e.id : '') + ' right=' + Math.round(e.getBoundingClientRect().right)));""");
        return found.stream().map(element -> view + ": " + element).toList();
    }

    /** Visible grids whose rows are wider than the grid, so that a part is reached only by scrolling sideways. */
    @SuppressWarnings("unchecked")
    private List<String> gridsScrollingSideways(String view) {
        var found = (List<String>) chromium.script("""
                const table = grid => grid.shadowRoot.querySelector('#table');
                return [...document.querySelectorAll('vaadin-app-layout vaadin-grid')]
                  .filter(grid => grid.offsetParent !== null && grid.getBoundingClientRect().width > 0)
                  .filter(grid => table(grid).scrollWidth > table(grid).clientWidth + 1)
                  .map(grid => 'vaadin-grid' + (grid.id ? '#' + grid.id : '') + (grid.className ? '.' + grid.className : '')
                      + ' ' + table(grid).scrollWidth + ' > ' + table(grid).clientWidth);""");
        return found.stream().map(grid -> view + ": " + grid).toList();
    }

    private int apiStatus(String username) {
        String basic = Base64.getEncoder().encodeToString((username + ":" + TestUsers.PASSWORD)
                .getBytes(StandardCharsets.UTF_8));
        try {
            return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url("/api/members?size=1")))
                    .header("Authorization", "Basic " + basic).GET().build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private String url(String path) {
        return "http://127.0.0.1:" + port + path;
    }
}
