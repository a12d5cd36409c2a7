package memberstream.live.tail.ui;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.UUID;
import memberstream.ConsoleTest;
import memberstream.Eventually;
import memberstream.HeadlessChromium;
import memberstream.aws.AwsClients;
import memberstream.settings.SettingsService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.WindowType;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import software.amazon.awssdk.services.firehose.model.DeliveryStreamType;
import memberstream.live.deliveries.ui.DeliveredStreams;
import memberstream.live.tail.LiveFeed;

/**
 * Headless Chromium with two tabs: the live tail open in one, a member created in the other, its
 * event in the tail within two seconds. Then each live view is opened as a person would and saved to
 * {@code target/screenshots/} to be looked at.
 */
@ConsoleTest
class LiveBrowserTest {

    private static final Duration PUSHED_WITHIN = Duration.ofSeconds(2);

    @LocalServerPort
    int port;

    @Autowired
    AwsClients aws;

    @Autowired
    SettingsService settings;

    HeadlessChromium chromium;
    WebDriver browser;

    @BeforeEach
    void startBrowser() throws IOException {
        chromium = HeadlessChromium.open(1400, 1400);
        browser = chromium.driver();
    }

    @AfterEach
    void stopBrowser() {
        if (chromium != null) {
            chromium.close();
        }
    }

    @Autowired
    memberstream.live.tail.LiveFeed feed;

    @Test
    void aMemberCreatedInOneTabShowsUpInTheLiveTailOfAnotherWithinTwoSeconds() throws IOException {
        LiveViewTest.routeToKinesis(settings, feed).run(); // the browser's live tail watches from here on
        String email = "two-tabs-" + UUID.randomUUID().toString().substring(0, 6) + "@example.org";
        logIn("/live");
        String liveTab = browser.getWindowHandle();
        waitFor(Duration.ofSeconds(30)).until(ExpectedConditions.textToBePresentInElementLocated(By.id("live-status"), "Reading"));

        browser.switchTo().newWindow(WindowType.TAB);
        browser.get(url("/members/new"));
        chromium.type(waitFor(Duration.ofSeconds(30)).until(ExpectedConditions.elementToBeClickable(By.cssSelector("#member-full-name input"))),
                "Grace Hopper");
        chromium.type(browser.findElement(By.cssSelector("#member-email input")), email);
        browser.findElement(By.id("member-save")).click();
        long saved = System.nanoTime();
        waitFor(Duration.ofSeconds(10)).until(ExpectedConditions.urlMatches("/members/\\d+$"));

        browser.switchTo().window(liveTab);
        By row = By.xpath("//vaadin-grid-cell-content[starts-with(normalize-space(.), '" + email + "')]");
        waitFor(PUSHED_WITHIN).until(ExpectedConditions.presenceOfElementLocated(row));
        Duration seen = Duration.ofNanos(System.nanoTime() - saved);
        System.out.println("Live tail: member saved in one tab, its event shown in the other after " + seen.toMillis() + " ms");
        assertThat(seen).isLessThanOrEqualTo(PUSHED_WITHIN);

        waitFor(Duration.ofSeconds(5)).until(d -> svgText("events-per-minute").contains("created"));
        screenshot("live-tail.png");
    }

    @Test
    void theStreamExplorerAndTheDeliveryBrowserAsAPersonSeesThem() throws IOException {
        String stream = settings.current().kinesisStreamName();
        logIn("/streams/" + stream);
        waitFor(Duration.ofSeconds(30)).until(ExpectedConditions.textToBePresentInElementLocated(By.id("stream-title"), stream));
        dismissNotifications();
        chromium.type(browser.findElement(By.cssSelector("#partition-key input")), "member-1");
        click(browser.findElement(By.id("put-record")));
        waitFor(Duration.ofSeconds(10)).until(ExpectedConditions.textToBePresentInElementLocated(By.id("put-result"), "Went to shardId-"));
        assertThat(svgText("shard-map")).contains("member-1");
        screenshot("streams.png");

        Delivered delivered = aDeliveredDeliveryStream();
        browser.get(url("/deliveries"));
        showDeliveryStream(delivered.name());
        // wait for this stream's details, not just any stream's (the first one is shown on arrival)
        waitFor(Duration.ofSeconds(10)).until(ExpectedConditions.textToBePresentInElementLocated(
                By.id("delivery-configuration"), "s3://" + delivered.bucket() + "/members/"));
        waitFor(Duration.ofSeconds(10)).until(ExpectedConditions.textToBePresentInElementLocated(
                By.id("last-deliveries"), delivered.name() + "-1-"));
        screenshot("deliveries.png");
        click(browser.findElement(By.cssSelector("#last-deliveries vaadin-button.open-object")));
        waitFor(Duration.ofSeconds(10)).until(ExpectedConditions.textToBePresentInElementLocated(
                By.id("opened-summary"), "3 record(s)"));
        assertThat(browser.findElements(By.cssSelector("pre.record"))).hasSize(3);
        chromium.script("arguments[0].scrollIntoView({block: 'start'})",
                browser.findElement(By.id("opened-object")));
        screenshotAsScrolled("deliveries-object.png");

        // What a stream with a long interval holds, and its countdown moving on the UI poll.
        String holding = aDeliveryStreamHoldingTwoRecords();
        browser.get(url("/deliveries"));
        showDeliveryStream(holding);
        By summary = By.id("buffered-summary");
        waitFor(Duration.ofSeconds(10)).until(ExpectedConditions.textMatches(summary,
                java.util.regex.Pattern.compile("^2 records, 152 B buffered · flush in 1[45] min \\d+ s \\(or when 1 MiB\\)$")));
        String before = browser.findElement(summary).getText();
        waitFor(Duration.ofSeconds(5)).until(d -> !d.findElement(summary).getText().equals(before));
        assertThat(browser.findElement(summary).getText()).startsWith("2 records, 152 B buffered · flush in ");
        screenshot("deliveries-buffered.png");
    }

    /** Selects the delivery stream's row (a click on the row already shown keeps it shown). */
    private void showDeliveryStream(String name) {
        By row = By.xpath("//vaadin-grid-cell-content[normalize-space(.)='" + name + "']");
        click(waitFor(Duration.ofSeconds(30)).until(ExpectedConditions.elementToBeClickable(row)));
        waitFor(Duration.ofSeconds(10)).until(ExpectedConditions.textToBePresentInElementLocated(
                By.id("delivery-configuration"), "s3://"));
    }

    private record Delivered(String name, String bucket) {
    }

    /** A delivery stream of our own with a 15-minute buffer and two records (76 bytes each) in it. */
    private String aDeliveryStreamHoldingTwoRecords() {
        String suffix = UUID.randomUUID().toString().substring(0, 6);
        String bucket = "held-" + suffix;
        String name = "holding-" + suffix;
        aws.s3().createBucket(r -> r.bucket(bucket));
        aws.firehose().createDeliveryStream(r -> r.deliveryStreamName(name)
                .deliveryStreamType(DeliveryStreamType.DIRECT_PUT)
                .extendedS3DestinationConfiguration(d -> d.bucketARN("arn:aws:s3:::" + bucket)
                        .roleARN("arn:aws:iam::000000000000:role/test").prefix("members/")
                        .bufferingHints(h -> h.sizeInMBs(1).intervalInSeconds(900))));
        String event = "{\"specversion\":\"1.0\",\"type\":\"io.memberstream.member.created\",\"subject\":\"%d\"}";
        DeliveredStreams.put(aws, name, String.format(event, 10), String.format(event, 11));
        return name;
    }

    /** A delivery stream of our own with a zero-second buffer, so its first object lands at once. */
    private Delivered aDeliveredDeliveryStream() {
        String suffix = UUID.randomUUID().toString().substring(0, 6);
        Delivered delivered = new Delivered("browser-" + suffix, "screens-" + suffix);
        DeliveredStreams.deliver(aws, delivered.name(), delivered.bucket(), "members/",
                "{\"specversion\":\"1.0\",\"type\":\"io.memberstream.member.created\",\"subject\":\"1\",\"data\":{\"changes\":{\"email\":{\"before\":null,\"after\":\"ada@example.org\"}}}}",
                "{\"specversion\":\"1.0\",\"type\":\"io.memberstream.member.updated\",\"subject\":\"1\",\"data\":{\"changes\":{\"phone\":{\"before\":null,\"after\":\"+44 20 7946 0000\"}}}}",
                "{\"specversion\":\"1.0\",\"type\":\"io.memberstream.member.deleted\",\"subject\":\"1\",\"data\":{\"changes\":{\"email\":{\"before\":\"ada@example.org\",\"after\":null}}}}");
        return delivered;
    }

    private void logIn(String path) {
        chromium.logIn(url(path), ConsoleTest.ADMIN_USERNAME, ConsoleTest.ADMIN_PASSWORD);
    }

    private String svgText(String id) {
        return browser.findElement(By.id(id)).getText() + browser.findElement(By.id(id)).getDomProperty("innerHTML");
    }

    /**
     * Notifications left by the explorer's side panels (consumers, KCL leases and metrics, which depend on
     * what other tests left in the shared engine) can cover the form; they are printed, then closed.
     */
    private void dismissNotifications() {
        Object texts = chromium.script("const cards = [...document.querySelectorAll('vaadin-notification-card')];"
                + " const texts = cards.map(c => c.innerText); cards.forEach(c => c.remove()); return texts;");
        System.out.println("Notifications closed before using the form: " + texts);
    }

    private void click(WebElement element) {
        chromium.script("arguments[0].scrollIntoView({block: 'center'})", element);
        element.click();
    }

    private String url(String path) {
        return "http://127.0.0.1:" + port + path;
    }

    private WebDriverWait waitFor(Duration timeout) {
        return chromium.waitFor(timeout);
    }

    /** The window as it is scrolled now. */
    private void screenshotAsScrolled(String fileName) throws IOException {
        assertThat(Files.size(chromium.screenshot(fileName))).isGreaterThan(10_000);
    }

    /** The view from its top: the window and the app layout's content scrolled back up first. */
    private void screenshot(String fileName) throws IOException {
        chromium.script("window.scrollTo(0, 0); document.querySelectorAll('vaadin-app-layout')"
                + ".forEach(l => l.shadowRoot && l.shadowRoot.querySelector('[content]') && (l.shadowRoot.querySelector('[content]').scrollTop = 0))");
        screenshotAsScrolled(fileName);
    }
}
