package io.rawloop.server.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import io.rawloop.server.HttpServer;
import io.rawloop.server.ServerConfig;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WindowType;
import org.openqa.selenium.chrome.ChromeDriver;
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

    private HttpServer server;
    private ChromeDriver browser;

    @BeforeAll
    void start() throws Exception {
        browser = HeadlessChromium.start();
        AtomicReference<HttpServer> running = new AtomicReference<>();
        server = HttpServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 2, ServerConfig.DEFAULT,
                DemoApp.routes(running::get, new StaticFiles(null)));
        running.set(server);
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
        assertEquals(List.of(), HeadlessChromium.consoleErrors(browser), "no console errors in either window");
    }

    private String log() {
        return browser.findElement(By.id("log")).getText();
    }

}
