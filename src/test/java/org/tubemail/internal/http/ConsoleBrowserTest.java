package org.tubemail.internal.http;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.tubemail.internal.hostile.Corpus;
import org.tubemail.internal.queue.MaildirQueue;
import org.tubemail.support.Eventually;
import org.tubemail.support.RealParts;

import java.io.File;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The web console in a real browser: Debian's Chromium driven by Selenium through Debian's
 * chromedriver, both named explicitly so that nothing is downloaded. It sends real SMTP and sees
 * the reply in the outbox view, shows hostile mail (the hostile corpus's header attacks and HTML
 * built to run script or load from elsewhere) without any of it running or loading, requeues an
 * undeliverable message after clearing its state, follows the live feed, and saves a screenshot
 * of each main view under {@code target/console-screenshots/}.
 */
class ConsoleBrowserTest {

    /** HTML that tries every way of running script or calling home it can. */
    private static String hostileHtml(int trackerPort) {
        String home = "http://127.0.0.1:" + trackerPort;
        return "<html><head><base href=\"" + home + "/\"><meta http-equiv=\"refresh\" content=\"0;url=javascript:top.pwned=1\">"
                + "<link rel=\"stylesheet\" href=\"" + home + "/style.css\"><script>top.pwned=1;parent.document.title='PWNED'</script></head>"
                + "<body onload=\"top.pwned=1\"><h1 id=\"hostile-heading\">Hostile newsletter</h1>"
                + "<img src=\"x\" onerror=\"top.pwned=1\"><img src=\"" + home + "/pixel.gif\">"
                + "<svg onload=\"top.pwned=1\"></svg><a id=\"js-link\" href=\"javascript:top.pwned=1\">click</a>"
                + "<iframe srcdoc=\"<script>top.pwned=1</script>\"></iframe><object data=\"" + home + "/x.swf\"></object>"
                + "<form action=\"" + home + "/steal\"><input name=q value=1></form>"
                + "<style>@import url(" + home + "/import.css); body{background:url(" + home + "/bg.png)}</style></body></html>";
    }

    private static byte[] hostileMessage(int trackerPort) {
        return ("Return-Path: <eve@example.org>\r\nDelivered-To: bob@example.org\r\n"
                + "From: \"<script>top.pwned=1</script>\" <eve@example.org>\r\nTo: <bob@example.org>\r\n"
                + "Subject: <img src=x onerror=top.pwned=1> hostile html\r\nX-Evil: <svg onload=top.pwned=1>\r\n"
                + "MIME-Version: 1.0\r\nContent-Type: multipart/alternative; boundary=b\r\n\r\n"
                + "--b\r\nContent-Type: text/plain\r\n\r\n<script>top.pwned=1</script>\r\n"
                + "--b\r\nContent-Type: text/html; charset=utf-8\r\n\r\n" + hostileHtml(trackerPort) + "\r\n--b--\r\n")
                .getBytes(StandardCharsets.UTF_8);
    }

    @TempDir
    Path home;
    OpsFixture ops;
    WebDriver driver;
    WebDriverWait wait;
    ServerSocket tracker;
    final AtomicInteger calledHome = new AtomicInteger();
    final Path shots = Path.of("target", "console-screenshots");

    /** The server's settings beyond {@link OpsFixture}'s: the mailing list too, for the States view. */
    private static final Map<String, String> SETTINGS = Map.of(
            "handlers", "org.tubemail.examples.echo.EchoHandler," + FlakyHandler.class.getName()
                    + ",org.tubemail.examples.mailinglist.MailingListHandler",
            "receiver.accepted.domains", "localhost,lists.localhost",
            "route.default.listdomain", "lists\\.localhost",
            "receiver.trusted.networks", "127.0.0.1/32"); // auth=local: subscribing needs an authenticated sender

    @BeforeEach
    void start() throws Exception {
        Path chromium = RealParts.require("chromium", "chromium");
        Path chromedriver = RealParts.require("chromedriver", "chromium-driver");
        ops = new OpsFixture(home, SETTINGS);
        tracker = new ServerSocket(0);
        Thread t = new Thread(() -> {
            while (!tracker.isClosed()) {
                try (Socket s = tracker.accept()) {
                    calledHome.incrementAndGet();
                } catch (java.io.IOException e) {
                    return;
                }
            }
        }, "tracker");
        t.setDaemon(true);
        t.start();
        // no driver download, no Selenium Manager: both programs are named
        System.setProperty("webdriver.chrome.driver", chromedriver.toString());
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(chromedriver.toFile())
                .usingAnyFreePort().build();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(chromium.toFile());
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
                "--window-size=1400,900", "--user-data-dir=" + Files.createTempDirectory(home, "chromium"));
        driver = new ChromeDriver(service, options);
        wait = new WebDriverWait(driver, Duration.ofSeconds(20));
        wait.ignoring(StaleElementReferenceException.class);
        Files.createDirectories(shots);
    }

    @AfterEach
    void stop() throws Exception {
        if (driver != null) {
            driver.quit();
        }
        if (tracker != null) {
            tracker.close();
        }
        if (ops != null) {
            ops.close();
        }
    }

    private void screenshot(String name) throws Exception {
        ((JavascriptExecutor) driver).executeScript("window.scrollTo(0, 0)");
        File f = ((TakesScreenshot) driver).getScreenshotAs(OutputType.FILE);
        Files.copy(f.toPath(), shots.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
    }

    private WebElement row(String listId, String text) {
        return wait.until(d -> {
            for (WebElement r : d.findElements(By.cssSelector("#" + listId + " tr"))) {
                if (r.getText().contains(text)) {
                    return r;
                }
            }
            d.findElement(By.id(listId.replace("-list", "-refresh"))).click();
            return null;
        });
    }

    private void assertNothingRan() {
        assertNull(((JavascriptExecutor) driver).executeScript("return window.pwned === undefined ? null : window.pwned;"), "mail ran script");
        assertEquals("Tubemail console", driver.getTitle());
        assertThrows(NoAlertPresentException.class, () -> driver.switchTo().alert());
    }

    private String stateCount(String module, String state) {
        return driver.findElement(By.cssSelector("section.graph[data-module='" + module + "'] g.state[data-state='" + state + "'] text.count"))
                .getText();
    }

    @Test
    void theStatesViewDrawsEachMachineWithTheKeysInEachState() throws Exception {
        // real SMTP: two subscribers wait for their confirmation, one flaky key fails (ERROR), two succeed (DONE)
        for (String who : List.of("bob@example.org", "ann@example.org")) {
            assertTrue(ops.smtp(who, "dev@lists.localhost", OpsFixture.mail(who, "dev@lists.localhost", "subscribe", "me")).startsWith("250"));
            Eventually.await(who + " confirming", () -> ops.server.router().storage().get("mailinglist", "dev@lists.localhost " + who).equals("CONFIRMING"));
        }
        ops.smtp("bob@example.org", "flaky@localhost", OpsFixture.mail("bob@example.org", "flaky@localhost", "x", "y"));
        Eventually.await("bob in ERROR", () -> ops.server.router().storage().get("flaky", "bob@example.org").equals("ERROR"));
        FlakyHandler.FAIL.set(false);
        for (String who : List.of("ann@example.org", "carol@example.org")) {
            ops.smtp(who, "flaky@localhost", OpsFixture.mail(who, "flaky@localhost", "x", "y"));
            Eventually.await(who + " done", () -> ops.server.router().storage().get("flaky", who).equals("DONE"));
        }
        // a state no method handles, named as markup: drawn as text, never run
        String hostile = "<img src=x onerror=top.pwned=1>";
        ops.server.router().storage().set("flaky", "mallory@example.org", hostile);

        driver.get(ops.base() + "/console/");
        driver.findElement(By.id("nav-graph")).click();
        wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("section.graph[data-module='mailinglist'] g.state")));
        assertEquals("every other key", stateCount("mailinglist", "START"));
        assertEquals("2 keys", stateCount("mailinglist", "CONFIRMING"));
        assertEquals("0 keys", stateCount("mailinglist", "POSTING"));
        assertEquals(3, driver.findElements(By.cssSelector("section.graph[data-module='mailinglist'] g.state.normal, "
                + "section.graph[data-module='mailinglist'] g.state.start")).size(), "START, CONFIRMING, POSTING");
        WebElement subscribe = driver.findElement(By.cssSelector("section.graph[data-module='mailinglist'] g.arrow[data-from='START'][data-to='CONFIRMING']"));
        String tooltip = (String) ((JavascriptExecutor) driver).executeScript("return arguments[0].querySelector('title').textContent", subscribe);
        assertTrue(tooltip.contains("(list)-subscribe@(listdomain)"), tooltip);
        assertEquals(1, driver.findElements(By.cssSelector("section.graph[data-module='mailinglist'] g.arrow[data-from='POSTING'][data-to='START']")).size(),
                "unsubscribing leads back to START");

        assertEquals("2 keys", stateCount("flaky", "DONE"));
        assertEquals("1 key", stateCount("flaky", "ERROR"));
        List<WebElement> stray = driver.findElements(By.cssSelector("section.graph[data-module='flaky'] g.state.stray"));
        assertEquals(1, stray.size());
        assertEquals(hostile, stray.get(0).getAttribute("data-state"));
        assertTrue(stray.get(0).getText().startsWith("<img src=x"), stray.get(0).getText());
        assertTrue(driver.findElements(By.cssSelector("section.graph img")).isEmpty(), "a state name became markup");
        assertNothingRan();
        driver.manage().window().setSize(new org.openqa.selenium.Dimension(1400, 1500)); // both machines in the picture
        screenshot("states");

        // Refresh shows a change
        ops.smtp("dan@example.org", "flaky@localhost", OpsFixture.mail("dan@example.org", "flaky@localhost", "x", "y"));
        Eventually.await("dan done", () -> ops.server.router().storage().get("flaky", "dan@example.org").equals("DONE"));
        driver.findElement(By.id("graph-refresh")).click();
        wait.until(d -> stateCount("flaky", "DONE").equals("3 keys"));
    }

    @Test
    void outboxUndeliverableLiveFeedAndHostileMail() throws Exception {
        MaildirQueue outbox = new MaildirQueue(home.resolve("run/outbox"));
        outbox.push(hostileMessage(tracker.getLocalPort()));
        List<Path> headerAttacks = Corpus.files().stream().filter(p -> p.getFileName().toString()
                .matches(".*-(inject-name|inject-subject|8bit-header|headers|folded|long-header)-?\\d*\\.eml")).toList();
        for (Path p : headerAttacks) {
            outbox.push(Corpus.read(p));
        }
        driver.get(ops.base() + "/console/");
        wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#outbox-list tr")));

        // real SMTP in, the echo reply shows up in the outbox view
        assertTrue(ops.smtp("bob@example.org", "echo@localhost", OpsFixture.mail("bob@example.org", "echo@localhost", "browser hello",
                "Hello from the browser test.")).startsWith("250"));
        row("outbox-list", "Re: browser hello").click();
        wait.until(ExpectedConditions.textToBe(By.id("message-subject"), "Re: browser hello"));
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("message-text"), "Hello from the browser test."));
        screenshot("outbox");

        // hostile HTML renders in the sandbox, without script and without calling home
        row("outbox-list", "hostile html").click();
        wait.until(ExpectedConditions.textToBe(By.id("message-subject"), "<img src=x onerror=top.pwned=1> hostile html"));
        WebElement frame = wait.until(ExpectedConditions.presenceOfElementLocated(By.id("message-frame")));
        assertEquals("", frame.getAttribute("sandbox"));
        driver.switchTo().frame(frame);
        assertEquals("Hostile newsletter", wait.until(d -> d.findElement(By.id("hostile-heading"))).getText());
        driver.findElement(By.id("js-link")).click();
        driver.switchTo().defaultContent();
        screenshot("outbox-hostile-html");
        driver.findElement(By.id("tab-headers")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("message-headers"), "<svg onload=top.pwned=1>"));
        driver.findElement(By.id("tab-raw")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("message-raw"), "<script>top.pwned=1</script>"));
        assertNothingRan();

        // every header attack of the hostile corpus, shown
        long began = System.nanoTime();
        int rows = driver.findElements(By.cssSelector("#outbox-list tr")).size();
        assertTrue(rows > headerAttacks.size(), rows + " rows");
        for (int i = 0; i < rows; i++) {
            WebElement shown = driver.findElement(By.id("message-subject"));
            driver.findElements(By.cssSelector("#outbox-list tr")).get(i).click();
            wait.until(ExpectedConditions.stalenessOf(shown)); // shown anew: subject, From and To decoded from the headers
        }
        System.out.printf("console test: %d messages shown with their headers in %d ms%n", rows, (System.nanoTime() - began) / 1_000_000);
        assertNothingRan();

        // an undeliverable message, requeued after its state is cleared, is routed
        driver.findElement(By.id("nav-undeliverable")).click();
        ops.smtp("bob@example.org", "flaky@localhost", OpsFixture.mail("bob@example.org", "flaky@localhost",
                "<b onmouseover=top.pwned=1>please retry</b>", "x"));
        WebElement lost = row("undeliverable-list", "please retry");
        assertTrue(lost.getText().contains("told to fail"), lost.getText());
        screenshot("undeliverable");
        FlakyHandler.FAIL.set(false);
        driver.findElement(By.id("nav-state")).click();
        wait.until(d -> new Select(d.findElement(By.id("state-module"))).getOptions().size() > 0);
        new Select(driver.findElement(By.id("state-module"))).selectByValue("flaky");
        driver.findElement(By.id("state-key")).sendKeys("bob@example.org");
        driver.findElement(By.cssSelector("#state-form button")).click();
        wait.until(ExpectedConditions.textToBe(By.id("state-value"), "ERROR"));
        screenshot("state");
        driver.findElement(By.id("state-clear")).click();
        wait.until(ExpectedConditions.textToBe(By.id("state-value"), "START"));
        driver.findElement(By.id("nav-undeliverable")).click();
        wait.until(d -> { // the list may be drawn anew meanwhile: find and click in one go
            row("undeliverable-list", "please retry").findElement(By.cssSelector("button.requeue")).click();
            return true;
        });
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("requeue-result"), "Routed: flaky@localhost: HANDLED"));
        wait.until(d -> d.findElements(By.cssSelector("#undeliverable-list tr")).isEmpty());
        driver.findElement(By.id("nav-outbox")).click();
        row("outbox-list", "please retry");

        // the live feed shows a message as it is accepted, routed and relayed
        driver.findElement(By.id("nav-live")).click();
        wait.until(ExpectedConditions.textToBe(By.id("live-state"), "connected"));
        ops.smtp("carol@example.org", "echo@localhost", OpsFixture.mail("carol@example.org", "echo@localhost", "live", "x"));
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("live-list"), "<carol@example.org> \u2192 echo@localhost"));
        wait.until(d -> !d.findElements(By.cssSelector("#live-list tr.ev-relayed")).isEmpty());
        assertTrue(driver.findElement(By.id("live-list")).getText().contains("undeliverable"), "the history since the start is replayed");
        screenshot("live");

        driver.findElement(By.id("nav-routes")).click();
        driver.findElement(By.id("explain-address")).sendKeys("flaky@localhost");
        driver.findElement(By.id("explain-sender")).sendKeys("bob@example.org");
        driver.findElement(By.cssSelector("#explain-form button")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("explain-table"), "runs"));
        screenshot("routes");

        driver.findElement(By.id("nav-status")).click();
        wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#status-metrics tr[data-metric='tubemail_relay_sent_total']")));
        assertTrue(driver.findElement(By.id("status-storage")).getText().contains("memory: ok"));
        screenshot("status");

        assertNothingRan();
        Thread.sleep(200);
        assertEquals(0, calledHome.get(), "the mail's HTML made the browser load something from elsewhere");
    }
}
