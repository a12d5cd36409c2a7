package memberstream;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.stream.Stream;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * A real browser for browser tests: /usr/bin/chromium driven by /usr/bin/chromedriver, headless, with
 * the project's flags (no network of its own, no first-run or sync chatter) and a fresh profile
 * directory that is deleted on {@link #close()}. Screenshots go to {@code target/screenshots/} for a
 * person to look at. One per test (open in {@code @BeforeEach}, close in {@code @AfterEach}); not
 * thread-safe, like the driver it wraps.
 */
public final class HeadlessChromium implements AutoCloseable {

    public static final Path SCREENSHOTS = Path.of("target", "screenshots");

    private final Path profile;
    private final ChromeDriver driver;

    private HeadlessChromium(Path profile, ChromeDriver driver) {
        this.profile = profile;
        this.driver = driver;
    }

    /** Starts a browser whose window has the given size in CSS pixels. */
    public static HeadlessChromium open(int width, int height) throws IOException {
        Path profile = Files.createTempDirectory("memberstream-chromium");
        var options = new ChromeOptions();
        options.setBinary("/usr/bin/chromium");
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                // /dev/shm is small in containers; Chromium's renderer crashes when it fills up
                "--disable-dev-shm-usage", "--user-data-dir=" + profile.toAbsolutePath());
        // keep the page's console messages (CSP violations among them) for browserLog()
        options.setCapability("goog:loggingPrefs", java.util.Map.of("browser", "ALL"));
        var service = new ChromeDriverService.Builder()
                .usingDriverExecutable(Path.of("/usr/bin/chromedriver").toFile())
                .usingAnyFreePort()
                .build();
        ChromeDriver driver;
        try {
            driver = new ChromeDriver(service, options);
        } catch (RuntimeException e) {
            delete(profile);
            throw e;
        }
        driver.manage().window().setSize(new Dimension(width, height));
        return new HeadlessChromium(profile, driver);
    }

    public WebDriver driver() {
        return driver;
    }

    /** A wait that polls every 50 ms, so timings measured through it are not rounded up to 500 ms. */
    public WebDriverWait waitFor(Duration timeout) {
        var wait = new WebDriverWait(driver, timeout);
        wait.pollingEvery(Duration.ofMillis(50));
        return wait;
    }

    /** Runs a script in the page, with {@code arguments} as its arguments. */
    public Object script(String script, Object... arguments) {
        return ((JavascriptExecutor) driver).executeScript(script, arguments);
    }

    /** Scrolls the input into view, then clicks it and replaces what it holds with {@code text}. */
    public void type(WebElement input, String text) {
        script("arguments[0].scrollIntoView({block: 'center'})", input);
        input.click();
        input.clear();
        input.sendKeys(text);
    }

    /** Opens {@code url}, logs in on the login form it sends a stranger to, and waits to be back at it. */
    public void logIn(String url, String username, String password) {
        driver.get(url);
        type(waitFor(Duration.ofSeconds(60)).until(ExpectedConditions.elementToBeClickable(
                By.cssSelector("input[name='username']"))), username);
        type(driver.findElement(By.cssSelector("input[name='password']")), password);
        driver.findElement(By.cssSelector("vaadin-button[slot='submit'], vaadin-login-form vaadin-button")).click();
        waitFor(Duration.ofSeconds(30)).until(ExpectedConditions.urlContains(url));
    }

    /**
     * Saves what the window shows, as it is scrolled, to {@code target/screenshots/<fileName>} once the
     * page's fonts are loaded, and returns the file.
     */
    public Path screenshot(String fileName) throws IOException {
        script("return document.fonts.ready");
        Files.createDirectories(SCREENSHOTS);
        Path file = SCREENSHOTS.resolve(fileName);
        Files.write(file, driver.getScreenshotAs(OutputType.BYTES));
        return file;
    }

    /** The page's console messages since the last call (errors, warnings, CSP violations). */
    public java.util.List<String> browserLog() {
        return driver.manage().logs().get(org.openqa.selenium.logging.LogType.BROWSER).getAll().stream()
                .map(entry -> entry.getLevel() + " " + entry.getMessage())
                .toList();
    }

    /**
     * Leaves every open page, then quits the browser and deletes its profile directory. Leaving a page
     * sends Vaadin's unload beacon, so the console closes that page's UI (and a live tail stops counting
     * as a watcher) at once; a browser that is just killed sends none, and its UIs would linger in the
     * shared test context until their heartbeats were missed.
     */
    @Override
    public void close() {
        try {
            leaveEveryPage();
            driver.quit();
        } finally {
            delete(profile);
        }
    }

    private void leaveEveryPage() {
        try {
            for (String window : driver.getWindowHandles()) {
                driver.switchTo().window(window);
                driver.get("about:blank");
            }
            Thread.sleep(500); // the beacons are sent after the pages are gone
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            // a browser that is already gone has nothing to leave
        }
    }

    private static void delete(Path directory) {
        try (Stream<Path> files = Files.walk(directory)) {
            files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            // a leftover temporary profile is harmless; a failing test teardown would hide the real result
        }
    }
}
