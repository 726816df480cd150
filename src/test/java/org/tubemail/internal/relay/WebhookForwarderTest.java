package org.tubemail.internal.relay;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tubemail.internal.queue.EnvelopeHeaders;
import org.tubemail.internal.queue.MaildirQueue;
import org.tubemail.mail.Envelope;
import org.tubemail.mail.MailRequest;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Webhook forwarding against a real HTTP server (the JDK's) on loopback: 200, 500, too slow, reset, restart, dead letter. */
class WebhookForwarderTest {

    static final String SECRET = "a-test-secret-of-32-characters!!";
    static final RetryPolicy FAST = new RetryPolicy(List.of(Duration.ofMillis(200)), Duration.ofMinutes(1), Duration.ofMillis(50));
    private static final ObjectMapper JSON = new ObjectMapper();

    /** What the receiving application saw. */
    record Post(Map<String, List<String>> headers, byte[] body) {
        JsonNode json() throws IOException {
            return JSON.readTree(body);
        }

        String header(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name)).findFirst().orElseThrow().getValue().get(0);
        }
    }

    @TempDir
    Path dir;

    private HttpServer server;
    private int port;
    private final List<Post> posts = Collections.synchronizedList(new ArrayList<>());
    private final AtomicInteger attempts = new AtomicInteger();
    /** The status the next requests get; 0 means 200 after a delay of {@link #delayMillis}. */
    private volatile int status = 200;
    private volatile long delayMillis;
    private final List<AutoCloseable> open = new ArrayList<>();

    @BeforeEach
    void startServer() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        startHttp();
    }

    private void startHttp() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 10);
        server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
        server.createContext("/hooks/mail", this::handle);
        server.start();
    }

    private void handle(HttpExchange ex) throws IOException {
        attempts.incrementAndGet();
        byte[] body = ex.getRequestBody().readAllBytes();
        try {
            Thread.sleep(delayMillis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        int code = status;
        if (code / 100 == 2) {
            posts.add(new Post(Map.copyOf(ex.getRequestHeaders()), body));
        }
        byte[] reply = (code / 100 == 2 ? "ok" : "try later").getBytes(StandardCharsets.UTF_8);
        ex.sendResponseHeaders(code, reply.length);
        ex.getResponseBody().write(reply);
        ex.close();
    }

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : open) {
            c.close();
        }
        if (server != null) {
            server.stop(0);
        }
    }

    private WebhookForwarder forwarder(MaildirQueue queue, Duration timeout, RetryPolicy policy) {
        WebhookEndpoint e = new WebhookEndpoint("support", URI.create("http://127.0.0.1:" + port + "/hooks/mail?token=t0ps3cret"), SECRET,
                timeout, 100, true);
        WebhookForwarder f = new WebhookForwarder(List.of(e), queue, policy);
        open.add(f);
        return f;
    }

    static MailRequest message(String subject) {
        String raw = "From: Ann <ann@example.org>\r\nTo: support@example.com\r\nSubject: " + subject + "\r\nMessage-ID: <m1@example.org>\r\n"
                + "MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=b1\r\n\r\n"
                + "--b1\r\nContent-Type: multipart/alternative; boundary=b2\r\n\r\n"
                + "--b2\r\nContent-Type: text/plain; charset=UTF-8\r\n\r\nYes, please refund.\r\n\r\n-- \r\nAnn\r\n\r\n"
                + "On Mon, Jan 8, 2024 at 10:02 AM Support <support@example.com> wrote:\r\n> Shall we refund?\r\n"
                + "--b2\r\nContent-Type: text/html; charset=UTF-8\r\n\r\n<p>Yes, please refund.</p>\r\n--b2--\r\n"
                + "--b1\r\nContent-Type: text/plain; name=small.txt\r\nContent-Disposition: attachment; filename=small.txt\r\n\r\nsmall attachment\r\n"
                + "--b1\r\nContent-Type: application/octet-stream; name=big.bin\r\nContent-Disposition: attachment; filename=big.bin\r\n"
                + "Content-Transfer-Encoding: base64\r\n\r\n" + Base64.getMimeEncoder().encodeToString(new byte[500]) + "\r\n--b1--\r\n";
        return MailRequest.parse(new Envelope("127.0.0.1:5000", "ann@example.org", List.of("support@example.com", "sales@example.com")),
                raw.getBytes(StandardCharsets.UTF_8));
    }

    static void await(java.util.function.BooleanSupplier done, String what) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(20);
        }
    }

    @Test
    void postsSignedJsonWithEnvelopeHeadersBodiesStrippedReplyAttachmentsAndRawMime() throws Exception {
        MaildirQueue queue = new MaildirQueue(dir.resolve("retry"));
        MailRequest request = message("Refund");
        forwarder(queue, Duration.ofSeconds(5), FAST).forward(request, "support");
        assertEquals(1, posts.size(), "posted before forward returned");
        assertEquals(0, queue.count());
        Post p = posts.get(0);
        String timestamp = p.header("X-Tubemail-Timestamp");
        assertTrue(Math.abs(Instant.now().getEpochSecond() - Long.parseLong(timestamp)) < 60);
        assertEquals("v1=" + WebhookForwarder.sign(SECRET, timestamp, p.body()), p.header("X-Tubemail-Signature"));
        assertEquals("application/json", p.header("Content-Type"));
        JsonNode j = p.json();
        assertEquals(j.get("id").asText(), p.header("X-Tubemail-Delivery"));
        assertEquals("ann@example.org", j.at("/envelope/from").asText());
        assertEquals("support@example.com", j.at("/envelope/recipient").asText());
        assertEquals(2, j.at("/envelope/recipients").size());
        assertEquals("Refund", j.get("subject").asText());
        assertEquals("<m1@example.org>", j.get("message_id").asText());
        assertTrue(j.get("headers").toString().contains("[\"Subject\",\"Refund\"]"), j.get("headers").toString());
        assertTrue(j.get("text").asText().contains("> Shall we refund?"));
        assertEquals("<p>Yes, please refund.</p>", j.get("html").asText().trim());
        assertEquals("Yes, please refund.", j.get("stripped_text").asText());
        assertEquals("Ann", j.get("stripped_signature").asText());
        JsonNode small = j.at("/attachments/0");
        assertEquals("small.txt", small.get("filename").asText());
        assertEquals("small attachment", new String(Base64.getDecoder().decode(small.get("content").asText()), StandardCharsets.UTF_8).trim());
        JsonNode big = j.at("/attachments/1");
        assertEquals(500, big.get("size").asInt());
        assertTrue(big.get("content").isNull());
        assertTrue(big.get("omitted").asText().contains("larger than 100 bytes"));
        assertEquals("none", j.at("/authentication/spf/result").asText(), "no check ran on this message");
        assertEquals(0, j.at("/authentication/dkim").size());
        assertEquals(new String(request.raw(), StandardCharsets.UTF_8),
                new String(Base64.getDecoder().decode(j.get("raw_mime").asText()), StandardCharsets.UTF_8));
    }

    @Test
    void theVerdictsOfTheReceiversChecksAreInThePayload() throws Exception {
        MailRequest plain = message("Verdicts");
        var auth = new org.tubemail.mail.Authentication(
                new org.tubemail.mail.Authentication.Spf(org.tubemail.mail.Verdict.PASS, false, "example.org"),
                List.of(new org.tubemail.mail.Authentication.Dkim(org.tubemail.mail.Verdict.FAIL, "example.org", "s1")),
                new org.tubemail.mail.Authentication.Dmarc(org.tubemail.mail.Verdict.PASS, "example.org", "reject"));
        MailRequest checked = MailRequest.parse(plain.envelope().withAuthentication(auth), plain.raw());
        forwarder(new MaildirQueue(dir.resolve("retry")), Duration.ofSeconds(5), FAST).forward(checked, "support");
        JsonNode a = posts.get(0).json().get("authentication");
        assertEquals("pass", a.at("/spf/result").asText());
        assertEquals("example.org", a.at("/spf/domain").asText());
        assertEquals("fail", a.at("/dkim/0/result").asText());
        assertEquals("s1", a.at("/dkim/0/selector").asText());
        assertEquals("pass", a.at("/dmarc/result").asText());
        assertEquals("reject", a.at("/dmarc/policy").asText());
    }

    @Test
    void aRefusedConnectionIsLoggedWithItsCauseNotNull() throws Exception {
        server.stop(0);
        server = null;
        MaildirQueue queue = new MaildirQueue(dir.resolve("retry"));
        forwarder(queue, Duration.ofSeconds(5), FAST).forward(message("refused"), "support");
        String reason = EnvelopeHeaders.unwrap(queue.get(queue.keys().get(0)).orElseThrow()).reason();
        assertTrue(reason.contains("ConnectException posting to webhook support"), reason);
        assertTrue(reason.endsWith(": could not connect (refused or unreachable)"), reason);
    }

    @Test
    void serverErrorIsRetriedFromTheDurableQueueUntilItWorks() throws Exception {
        MaildirQueue queue = new MaildirQueue(dir.resolve("retry"));
        status = 500;
        forwarder(queue, Duration.ofSeconds(5), FAST).forward(message("500 first"), "support");
        assertEquals(1, queue.count(), "queued durably before forward returned");
        EnvelopeHeaders.Unwrapped queued = EnvelopeHeaders.unwrap(queue.get(queue.keys().get(0)).orElseThrow());
        assertTrue(queued.reason().startsWith("retry attempts=1 ") && queued.reason().contains("HTTP 500"), queued.reason());
        assertTrue(!queued.reason().contains("t0ps3cret"), "the URL's query (a token) is never logged or stored: " + queued.reason());
        await(() -> attempts.get() >= 3, "two retries");
        status = 200;
        await(() -> posts.size() == 1 && queue.count() == 0, "the retry that works");
        Thread.sleep(300);
        assertEquals(1, posts.size(), "delivered once");
        assertEquals("500 first", posts.get(0).json().get("subject").asText());
    }

    @Test
    void aResponseSlowerThanTheTimeoutIsRetried() throws Exception {
        MaildirQueue queue = new MaildirQueue(dir.resolve("retry"));
        status = 200;
        // a reply 5 s late against a 0.3 s timeout: giving up at the timeout and waiting for the reply stay
        // seconds apart, so a loaded machine's stall cannot blur them
        delayMillis = 5000;
        long start = System.nanoTime();
        WebhookForwarder f = forwarder(queue, Duration.ofMillis(300), new RetryPolicy(List.of(Duration.ofSeconds(2)), Duration.ofMinutes(1),
                Duration.ofMillis(50)));
        f.forward(message("slow"), "support");
        long took = Duration.ofNanos(System.nanoTime() - start).toMillis();
        assertTrue(took < 4000, "forward gave up at the timeout, not after " + took + " ms");
        assertEquals(1, queue.count());
        assertTrue(EnvelopeHeaders.unwrap(queue.get(queue.keys().get(0)).orElseThrow()).reason().contains("HttpTimeoutException"));
        delayMillis = 0;
        await(() -> queue.count() == 0, "the retry");
        await(() -> posts.size() >= 1, "the retried post");
        // the receiver may have processed the timed-out request too: the id lets it drop the repeat
        assertEquals(1, posts.stream().map(p -> p.header("X-Tubemail-Delivery")).distinct().count());
    }

    @Test
    void aResetConnectionIsRetried() throws Exception {
        server.stop(0);
        server = null;
        ServerSocket resetter = new ServerSocket(port, 10, InetAddress.getLoopbackAddress());
        Thread t = new Thread(() -> {
            while (!resetter.isClosed()) {
                try (Socket s = resetter.accept()) {
                    attempts.incrementAndGet();
                    s.getInputStream().read(new byte[100]);
                    s.setSoLinger(true, 0); // close with RST
                } catch (IOException e) {
                    return;
                }
            }
        });
        t.start();
        MaildirQueue queue = new MaildirQueue(dir.resolve("retry"));
        forwarder(queue, Duration.ofSeconds(5), FAST).forward(message("reset"), "support");
        assertEquals(1, queue.count());
        String reason = EnvelopeHeaders.unwrap(queue.get(queue.keys().get(0)).orElseThrow()).reason();
        assertTrue(reason.contains("IOException") || reason.contains("reset"), reason);
        await(() -> attempts.get() >= 2, "a retry against the resetting server");
        resetter.close();
        t.join(2000);
        startHttp();
        await(() -> queue.count() == 0 && posts.size() == 1, "delivery once the server answers");
    }

    @Test
    void retriesPendingAtARestartAreSentByTheNextRun() throws Exception {
        MaildirQueue queue = new MaildirQueue(dir.resolve("retry"));
        status = 503;
        // the first run would retry after 1 s, but stops before it does
        WebhookForwarder first = forwarder(queue, Duration.ofSeconds(5),
                new RetryPolicy(List.of(Duration.ofSeconds(1)), Duration.ofMinutes(1), Duration.ofSeconds(30)));
        first.forward(message("across restart"), "support");
        first.close();
        assertEquals(1, queue.count());
        assertEquals(1, attempts.get());
        status = 200;
        forwarder(new MaildirQueue(dir.resolve("retry")), Duration.ofSeconds(5), FAST);
        await(() -> queue.count() == 0 && posts.size() == 1, "the next run to deliver the pending retry");
        assertEquals("across restart", posts.get(0).json().get("subject").asText());
        Thread.sleep(300);
        assertEquals(2, attempts.get(), "one failed attempt, one delivery");
    }

    @Test
    void afterTheRetryWindowThePayloadIsADeadLetterAndNothingIsDropped() throws Exception {
        MaildirQueue queue = new MaildirQueue(dir.resolve("retry"));
        status = 404;
        WebhookForwarder f = forwarder(queue, Duration.ofSeconds(5),
                new RetryPolicy(List.of(Duration.ofMillis(100)), Duration.ofMillis(400), Duration.ofMillis(30)));
        f.forward(message("dead"), "support");
        await(() -> queue.keys().stream().anyMatch(k -> queue.get(k).map(b -> EnvelopeHeaders.unwrap(b).reason().startsWith("dead-letter"))
                .orElse(false)), "the dead letter");
        Thread.sleep(300);
        assertEquals(1, queue.count(), "kept, not dropped");
        int tried = attempts.get();
        Thread.sleep(300);
        assertEquals(tried, attempts.get(), "a dead letter is not retried");
        status = 200;
        assertEquals(1, f.requeueDeadLetters());
        await(() -> queue.count() == 0 && posts.size() == 1, "delivery after requeueing");
    }
}
