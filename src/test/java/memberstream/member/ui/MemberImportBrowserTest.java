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
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.security.core.userdetails.UserDetailsService;

/**
 * The import as a person does it in headless Chromium: upload a file with a bad row, read the report,
 * see that nothing is saved, confirm, see it done. Leaves {@code target/screenshots/import-report.png}
 * and {@code import-done.png} to look at.
 */
@ConsoleTest
class MemberImportBrowserTest {

    private static final String ADMIN = "import-browser-admin";

    @LocalServerPort
    int port;
    @Autowired
    UserService users;
    @Autowired
    UserDetailsService userDetails;
    @Autowired
    JdbcTemplate jdbc;

    HeadlessChromium chromium;
    WebDriverWait wait;

    @BeforeEach
    void startBrowser() throws IOException {
        TestUsers.ensure(userDetails, users, ADMIN, Role.ADMIN);
        chromium = HeadlessChromium.open(1440, 900);
        wait = chromium.waitFor(Duration.ofSeconds(60));
    }

    @AfterEach
    void stopBrowser() {
        if (chromium != null) {
            chromium.close();
        }
    }

    @Test
    void aFileWithBadRowsIsReportedAndNothingIsSavedUntilConfirmed() throws IOException {
        String tag = UUID.randomUUID().toString().substring(0, 8);
        Path file = Files.createTempFile("members-", ".csv");
        Files.writeString(file, "fullName,email,role,status,joinedOn\n"
                + "Browser One," + tag + "-1@example.org,MEMBER,ACTIVE,2024-03-01\n"
                + "Browser Bad,not-an-email,MEMBER,ACTIVE,2024-03-01\n"
                + "Browser Two," + tag + "-2@example.org,BOARD,PENDING,2024-03-02\n");

        chromium.logIn("http://127.0.0.1:" + port + "/members", ADMIN, TestUsers.PASSWORD);
        wait.until(ExpectedConditions.elementToBeClickable(By.id("members-import"))).click();
        wait.until(ExpectedConditions.urlContains("/members/import"));
        WebElement upload = wait.until(ExpectedConditions.presenceOfElementLocated(By.id("import-upload")));
        WebElement input = (WebElement) chromium.script(
                "return arguments[0].shadowRoot.querySelector('input[type=file]')"
                        + " || arguments[0].querySelector('input[type=file]');", upload);
        input.sendKeys(file.toAbsolutePath().toString());

        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("import-summary"), "1 refused"));
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.xpath(
                "//vaadin-grid-cell-content[normalize-space(.)='Enter a valid email address, like name@example.org']")));
        assertThat(saved(tag)).isZero();
        chromium.screenshot("import-report.png");

        chromium.driver().findElement(By.id("import-confirm")).click();
        // The line may still show an earlier test's import as done: wait for this file's.
        String thisJobDone = file.getFileName() + ") done";
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("import-job"), thisJobDone));
        assertThat(saved(tag)).isEqualTo(2);
        assertThat(chromium.driver().findElement(By.id("import-job")).getText()).contains("2 of 2 member(s) saved");
        assertThat(Files.size(chromium.screenshot("import-done.png"))).isGreaterThan(10_000);
        Files.deleteIfExists(file);
    }

    private long saved(String tag) {
        return jdbc.queryForObject("select count(*) from members where email like ?", Long.class, tag + "-%");
    }
}
