package io.rawloop.server.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.rawloop.server.HttpServer;
import io.rawloop.server.ServerConfig;
import java.io.File;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Level;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WindowType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The chat page in a real browser, twice: Debian's Chromium, headless, two windows on
 * {@code /chat}, each with its own WebSocket to {@code /ws/chat} (on a server with two loops, so
 * the room spans them). What one window sends, both show; then the other answers, and both show
 * that too. Every check waits for what the page shows, with a deadline.
 */
@Timeout(120)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ChatBrowserTest {

    private static final String CHROMIUM = "/usr/bin/chromium";
    private static final String DRIVER = "/usr/bin/chromedriver";

    private HttpServer server;
    private ChromeDriver browser;

    @BeforeAll
    void start() throws Exception {
        assumeTrue(Files.isExecutable(Path.of(CHROMIUM)) && Files.isExecutable(Path.of(DRIVER)),
                "needs Debian's chromium and chromium-driver (apt-get install chromium chromium-driver; .ci/run does)");
        AtomicReference<HttpServer> running = new AtomicReference<>();
        server = HttpServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 2, ServerConfig.DEFAULT,
                DemoApp.routes(running::get, new StaticFiles(null)));
        running.set(server);
        ChromeOptions options = new ChromeOptions().setBinary(CHROMIUM)
                .addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                        "--no-first-run", "--disable-extensions");
        options.setCapability("goog:loggingPrefs", Map.of(LogType.BROWSER, "ALL"));
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(new File(DRIVER))
                .usingAnyFreePort().build();
        browser = new ChromeDriver(service, options);
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
    void twoWindowsInTheRoomSeeEachOthersMessages() {
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(30));
        String url = "http://127.0.0.1:" + server.port() + "/chat";
        browser.get(url);
        String alice = browser.getWindowHandle();
        wait.until(b -> b.findElement(By.id("text")).isEnabled());   // connected
        browser.switchTo().newWindow(WindowType.WINDOW).get(url);
        String bob = browser.getWindowHandle();
        wait.until(b -> b.findElement(By.id("text")).isEnabled());

        browser.switchTo().window(alice);
        browser.findElement(By.id("text")).sendKeys("hello from alice", Keys.ENTER);
        browser.switchTo().window(bob);
        wait.until(b -> log().contains("hello from alice"));
        browser.findElement(By.id("text")).sendKeys("bob here \u00e9\u00e8", Keys.ENTER);
        wait.until(b -> log().contains("bob here \u00e9\u00e8"));
        browser.switchTo().window(alice);
        wait.until(b -> log().contains("hello from alice") && log().contains("bob here \u00e9\u00e8"));
        assertEquals(List.of(), errors(), "no console errors in either window");
    }

    private String log() {
        return browser.findElement(By.id("log")).getText();
    }

    private List<String> errors() {
        return browser.manage().logs().get(LogType.BROWSER).getAll().stream()
                .filter(e -> e.getLevel().intValue() >= Level.SEVERE.intValue())
                .map(LogEntry::getMessage).toList();
    }
}
