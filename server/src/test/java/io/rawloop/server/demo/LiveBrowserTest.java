package io.rawloop.server.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import io.rawloop.server.HttpServer;
import io.rawloop.server.ServerConfig;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;


/**
 * The index page in a real browser: Debian's Chromium, headless, driven by Selenium. It loads
 * without console errors, its figures move, "block the loop" shows in the blocked loop's delay
 * p99 and "offloaded" does not, and 1,000 sleeping requests are all answered. Every check reads
 * what the page shows, waiting for it with a deadline; none times the test itself. Screenshots go
 * to {@code server/target/live-*.png}.
 */
@Timeout(300)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LiveBrowserTest {

    private static final Duration DEADLINE = Duration.ofSeconds(30);

    private HttpServer server;
    private ChromeDriver browser;
    private WebDriverWait wait;

    @BeforeAll
    void start() throws Exception {
        browser = HeadlessChromium.start("--window-size=1200,1500");
        AtomicReference<HttpServer> running = new AtomicReference<>();
        server = HttpServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 2, ServerConfig.DEFAULT,
                DemoApp.routes(running::get, new StaticFiles(null)));
        running.set(server);
        wait = new WebDriverWait(browser, DEADLINE);
        browser.get("http://127.0.0.1:" + server.port() + "/");
    }

    @AfterAll
    void stop() {
        if (browser != null) {
            browser.quit();
        }
        if (server != null) {
            server.close();
        }
    }

    @Test
    @Order(1)
    void thePageLoadsAndItsFiguresMove() throws Exception {
        wait.until(b -> b.findElements(By.cssSelector(".loop")).size() == 2);
        wait.until(b -> b.findElement(By.id("status")).getText().startsWith("live"));
        int ticks = ticks();
        WebElement chart = browser.findElement(By.cssSelector(".loop polyline"));
        String before = chart.getAttribute("points");
        wait.until(b -> ticks() >= ticks + 3);
        assertTrue(!before.equals(chart.getAttribute("points")), "the chart moved: " + before);
        screenshot("live-idle");
        assertEquals(List.of(), errors());
    }

    @Test
    @Order(2)
    void blockingTheLoopShowsInItsDelayP99() throws Exception {
        browser.findElement(By.id("block")).click();
        String loop = blockedLoop("block-result", "Loop ");
        wait.until(b -> p99(loop) > 100);
        screenshot("live-blocked");
    }

    @Test
    @Order(3)
    void theSameWorkOffloadedDoesNot() throws Exception {
        wait.until(b -> p99("rawloop-server-1") < 100 && p99("rawloop-server-2") < 100);   // the block has left the window
        browser.findElement(By.id("offload")).click();
        String loop = blockedLoop("offload-result", "The same 200 ms of arithmetic ran on the offload pool. Loop ");
        // For the next two seconds of ticks (four), the page never shows that loop's p99 above 100 ms.
        int from = ticks();
        for (int t = from + 1; t <= from + 4; t++) {
            int tick = t;
            wait.until(b -> ticks() >= tick);
            assertTrue(p99(loop) < 100, "offloaded, " + loop + "'s delay p99 stays low: " + p99(loop) + " ms");
        }
        screenshot("live-offloaded");
    }

    @Test
    @Order(4)
    void aThousandSleepingRequestsAreAllAnswered() throws Exception {
        browser.findElement(By.id("sleepers")).click();
        WebElement result = browser.findElement(By.id("sleepers-result"));
        new WebDriverWait(browser, Duration.ofSeconds(180)).until(b -> result.getText().matches("\\d+ of 1,000 answered.*"));
        assertTrue(result.getText().startsWith("1000 of 1,000 answered"), result.getText());
        screenshot("live-sleepers");
        assertEquals(List.of(), errors());
    }

    @Test
    @Order(5)
    void aNarrowScreenStillShowsEveryFigure() throws Exception {
        browser.manage().window().setSize(new Dimension(390, 1500));
        wait.until(b -> b.findElements(By.cssSelector(".value[data-figure=delayP99Ms]")).size() == 2);
        WebElement card = browser.findElement(By.cssSelector(".loop"));
        assertTrue(card.getSize().getWidth() <= 390, "a card fits the screen: " + card.getSize());
        screenshot("live-narrow");
    }

    /** The loop a button's sentence names, once the sentence has come. */
    private String blockedLoop(String resultId, String prefix) {
        WebElement result = browser.findElement(By.id(resultId));
        wait.until(b -> result.getText().startsWith(prefix));
        return result.getText().substring(prefix.length()).split(" ")[0];
    }

    private int ticks() {
        String t = browser.findElement(By.id("status")).getAttribute("data-ticks");
        return t == null ? 0 : Integer.parseInt(t);
    }

    /** The delay p99 the page shows for {@code loop}, in milliseconds. */
    private double p99(String loop) {
        String text = browser.findElement(By.cssSelector(".value[data-figure=delayP99Ms][data-loop='" + loop + "']")).getText();
        return text.endsWith(" ms") ? Double.parseDouble(text.substring(0, text.length() - 3)) : 0;
    }

    /** The browser console's errors so far. */
    private List<String> errors() {
        return HeadlessChromium.consoleErrors(browser);
    }

    private void screenshot(String name) throws Exception {
        Path png = Path.of("target", name + ".png");
        Files.createDirectories(png.getParent());
        Files.copy(((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE).toPath(), png, StandardCopyOption.REPLACE_EXISTING);
    }
}
