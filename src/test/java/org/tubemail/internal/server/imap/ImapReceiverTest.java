package org.tubemail.internal.server.imap;

import com.icegreen.greenmail.user.GreenMailUser;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.mail.Flags;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Store;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tubemail.handler.Route;
import org.tubemail.handler.Stateless;
import org.tubemail.internal.queue.MemoryQueue;
import org.tubemail.internal.routing.Router;
import org.tubemail.mail.MailRequest;

import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The IMAP receiver against GreenMail's IMAP server over loopback. */
class ImapReceiverTest {

    public static class Recorder {
        final List<String> seen = Collections.synchronizedList(new ArrayList<>());

        @Stateless
        @Route("support@(host)")
        public void support(MailRequest msg) {
            seen.add(msg.subject());
        }
    }

    @TempDir
    Path dir;

    /**
     * The IDLE tests' keep-alive: so long that only IDLE can bring news within {@link #IDLE_NEWS_WAIT},
     * which is then generous enough for a loaded machine.
     */
    private static final Duration IDLE_KEEP_ALIVE = Duration.ofMinutes(10);
    private static final Duration IDLE_NEWS_WAIT = Duration.ofSeconds(30);

    private final Recorder recorder = new Recorder();
    private final Router router = Router.builder().defaultCapture("host", "example\\.com").undeliverable(new MemoryQueue())
            .handlers(recorder).build();
    private final List<ImapReceiver> receivers = new ArrayList<>();
    private GreenMail greenMail;
    private GreenMailUser user;
    private int port;
    private String protocol;

    private void startGreenMail(String protocol) throws Exception {
        this.protocol = protocol;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        ServerSetup setup = new ServerSetup(port, "127.0.0.1", protocol);
        setup.setServerStartupTimeout(15_000); // the shared machine can be slow
        greenMail = new GreenMail(setup);
        greenMail.start();
        user = greenMail.setUser("support@example.com", "support", "s3cret-token");
    }

    @AfterEach
    void stop() {
        receivers.forEach(r -> r.stop(Duration.ofSeconds(5)));
        if (greenMail != null) {
            greenMail.stop();
        }
    }

    private ImapReceiver receiver(ImapMailbox.Security security, ImapTokenProvider tokens, String folder, ImapMailbox.After after,
                                  Duration poll, boolean idle) {
        ImapMailbox m = new ImapMailbox("support", "127.0.0.1", port, security, "support", tokens == null ? "s3cret-token" : "", tokens,
                folder, after, "Processed", "$Tubemail", "", poll, idle, "*", Duration.ofSeconds(10));
        ImapReceiver r = new ImapReceiver(m, router, dir.resolve("imap/support.progress"), 10 * 1024 * 1024);
        receivers.add(r);
        return r;
    }

    private static MimeMessage mail(String subject) throws Exception {
        MimeMessage m = new MimeMessage(Session.getInstance(new Properties()));
        m.setFrom("ann@example.org");
        m.setRecipients(Message.RecipientType.TO, "support@example.com");
        m.setSubject(subject);
        m.setText("body of " + subject);
        m.saveChanges();
        return m;
    }

    static void await(BooleanSupplier done, Duration limit, String what) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(20);
        }
    }

    private Store client() throws Exception {
        Properties props = new Properties();
        props.setProperty("mail.imaps.ssl.trust", "*"); // GreenMail's self-signed certificate
        props.setProperty("mail.imaps.ssl.checkserveridentity", "false");
        Store s = Session.getInstance(props).getStore(protocol);
        s.connect("127.0.0.1", port, "support", "s3cret-token");
        return s;
    }

    private int count(String folder) {
        try (Store s = client()) {
            Folder f = s.getFolder(folder);
            return f.exists() ? f.getMessageCount() : 0;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void newMailDuringIdleIsRoutedAtOnceAndMoved() throws Exception {
        startGreenMail(ServerSetup.PROTOCOL_IMAP);
        ImapReceiver r = receiver(ImapMailbox.Security.NONE, null, "INBOX", ImapMailbox.After.MOVE, IDLE_KEEP_ALIVE, true);
        r.start();
        await(() -> r.progress().uidValidity() != 0, Duration.ofSeconds(30), "the first connection");
        Thread.sleep(300); // now idling
        user.deliver(mail("during idle"));
        // the keep-alive's NOOP comes every 10 minutes: only IDLE can bring the news within the wait
        await(() -> recorder.seen.size() == 1, IDLE_NEWS_WAIT, "routing after IDLE");
        assertEquals(List.of("during idle"), recorder.seen);
        await(() -> count("Processed") == 1, Duration.ofSeconds(30), "the move");
        assertEquals(0, count("INBOX"));
    }

    @Test
    void newMailDuringIdleOverTlsIsRoutedAtOnceEachOnceInBursts() throws Exception {
        startGreenMail(ServerSetup.PROTOCOL_IMAPS);
        ImapReceiver r = receiver(ImapMailbox.Security.TLS, null, "INBOX", ImapMailbox.After.MOVE, IDLE_KEEP_ALIVE, true);
        r.start();
        await(() -> r.progress().uidValidity() != 0, Duration.ofSeconds(30), "the first connection");
        Thread.sleep(300); // now idling
        user.deliver(mail("during idle over tls"));
        // the keep-alive's NOOP comes every 10 minutes: only IDLE can bring the news within the wait
        await(() -> recorder.seen.size() == 1, IDLE_NEWS_WAIT, "routing after IDLE over TLS");
        // bursts land while the receiver idles, routes, moves or is about to idle again: a message
        // missed in any of those moments would wait for the 10 minute keep-alive and fail the 30 s limit
        java.util.Random random = new java.util.Random(18);
        int sent = 1;
        for (int burst = 0; burst < 20; burst++) {
            for (int i = 0; i < 10; i++) {
                user.deliver(mail("burst " + burst + " message " + i));
            }
            sent += 10;
            Thread.sleep(random.nextInt(250));
            if (burst % 4 == 3) {
                int expected = sent;
                try {
                    await(() -> recorder.seen.size() >= expected, IDLE_NEWS_WAIT, "burst " + burst + " over IDLE");
                } catch (AssertionError e) {
                    throw new AssertionError(e.getMessage() + ": " + recorder.seen.size() + " of " + expected + " routed", e);
                }
            }
        }
        Thread.sleep(1000);
        assertEquals(201, recorder.seen.size(), "each routed once");
        assertEquals(201, new TreeSet<>(recorder.seen).size());
        await(() -> count("INBOX") == 0, Duration.ofSeconds(30), "the moves");
        assertEquals(201, count("Processed"));
        // the keep-alive's NOOP from another thread ends a blocking IDLE; stop() sends one at once
        // (without it, stop() waits 2 s for the thread, then closes the connection under it)
        long start = System.nanoTime();
        r.stop(Duration.ofSeconds(5));
        assertTrue(Duration.ofNanos(System.nanoTime() - start).toMillis() < 1500, "a NOOP ends the IDLE at once");
    }

    @Test
    void reconnectsAfterAServerRestartMidIdleOverTls() throws Exception {
        startGreenMail(ServerSetup.PROTOCOL_IMAPS);
        ImapReceiver r = receiver(ImapMailbox.Security.TLS, null, "INBOX", ImapMailbox.After.DELETE, Duration.ofSeconds(60), true);
        r.start();
        user.deliver(mail("before restart"));
        await(() -> recorder.seen.size() == 1, Duration.ofSeconds(15), "the first message");
        Thread.sleep(300); // now idling
        greenMail.stop(); // the connection drops mid-IDLE
        Thread.sleep(1500);
        greenMail.start();
        user = greenMail.setUser("support@example.com", "support", "s3cret-token");
        await(() -> r.progress().uidValidity() != 0 && count("INBOX") == 0, Duration.ofSeconds(30), "the restarted server");
        Thread.sleep(6000); // the reconnection (backoff 1 s, 2 s) is done and idling again
        user.deliver(mail("after restart"));
        // the keep-alive's NOOP comes 60 s after the IDLE began, some 50 s after this delivery: 20 s is IDLE's
        await(() -> recorder.seen.size() == 2, Duration.ofSeconds(20), "routing over IDLE after the reconnection");
        assertEquals(List.of("before restart", "after restart"), recorder.seen);
        await(() -> count("INBOX") == 0, Duration.ofSeconds(30), "the deletes");
    }

    @Test
    void pollsWhenIdleIsOffAndFlagsInsteadOfMoving() throws Exception {
        startGreenMail(ServerSetup.PROTOCOL_IMAP);
        ImapReceiver r = receiver(ImapMailbox.Security.NONE, null, "INBOX", ImapMailbox.After.FLAG, Duration.ofMillis(300), false);
        r.start();
        user.deliver(mail("polled"));
        await(() -> recorder.seen.size() == 1, Duration.ofSeconds(10), "routing by polling");
        try (Store s = client()) {
            Folder inbox = s.getFolder("INBOX");
            inbox.open(Folder.READ_ONLY);
            Flags flags = inbox.getMessage(1).getFlags();
            assertTrue(flags.contains("$Tubemail"), "flagged as routed");
            assertTrue(!flags.contains(Flags.Flag.SEEN), "fetched without marking it read");
        }
        Thread.sleep(1000);
        assertEquals(1, recorder.seen.size(), "a flagged message is not routed again");
    }

    @Test
    void reconnectsAfterAServerRestartMidSession() throws Exception {
        startGreenMail(ServerSetup.PROTOCOL_IMAP);
        ImapReceiver r = receiver(ImapMailbox.Security.NONE, null, "INBOX", ImapMailbox.After.DELETE, Duration.ofSeconds(60), true);
        r.start();
        user.deliver(mail("before restart"));
        await(() -> recorder.seen.size() == 1, Duration.ofSeconds(10), "the first message");
        greenMail.stop(); // the connection drops
        Thread.sleep(1500); // the receiver retries against a closed port meanwhile
        greenMail.start();
        user = greenMail.setUser("support@example.com", "support", "s3cret-token"); // GreenMail forgets users on restart
        user.deliver(mail("after restart"));
        await(() -> recorder.seen.size() == 2, Duration.ofSeconds(20), "routing after the reconnection");
        assertEquals(List.of("before restart", "after restart"), recorder.seen);
        await(() -> count("INBOX") == 0, Duration.ofSeconds(30), "the deletes");
    }

    @Test
    void uidValidityChangeRoutesTheNewMailOnlyOnce() throws Exception {
        startGreenMail(ServerSetup.PROTOCOL_IMAP);
        try (Store s = client()) {
            Folder f = s.getFolder("support");
            f.create(Folder.HOLDS_MESSAGES);
            f.appendMessages(new Message[]{mail("a"), mail("b"), mail("c")});
        }
        ImapReceiver first = receiver(ImapMailbox.Security.NONE, null, "support", ImapMailbox.After.FLAG, Duration.ofMillis(300), false);
        first.start();
        await(() -> recorder.seen.size() == 3, Duration.ofSeconds(10), "a, b, c");
        long before = first.progress().uidValidity();
        first.stop(Duration.ofSeconds(5));
        receivers.remove(first);
        // the folder is rebuilt (as after a server migration): same mail, new UIDs, new UIDVALIDITY
        List<MimeMessage> copies = new ArrayList<>();
        try (Store s = client()) {
            Folder f = s.getFolder("support");
            f.open(Folder.READ_ONLY);
            for (Message m : f.getMessages()) {
                MimeMessage copy = new MimeMessage((MimeMessage) m);
                copy.setFlags(m.getFlags(), true);
                copies.add(copy);
            }
            f.close(false);
            Thread.sleep(1100); // GreenMail's UIDVALIDITY is the creation time in seconds
            assertTrue(f.delete(true));
            Folder again = s.getFolder("support");
            again.create(Folder.HOLDS_MESSAGES);
            again.appendMessages(copies.toArray(new Message[0]));
            again.appendMessages(new Message[]{mail("d"), mail("e")});
        }
        ImapReceiver second = receiver(ImapMailbox.Security.NONE, null, "support", ImapMailbox.After.FLAG, Duration.ofMillis(300), false);
        second.start();
        await(() -> recorder.seen.size() >= 5, Duration.ofSeconds(10), "d and e");
        Thread.sleep(800);
        assertTrue(second.progress().uidValidity() != before, "the UIDVALIDITY changed");
        assertEquals(List.of("a", "b", "c", "d", "e"), recorder.seen, "nothing lost, nothing repeated");
    }

    @Test
    void aThousandMessageBacklogIsRoutedOnceEach() throws Exception {
        startGreenMail(ServerSetup.PROTOCOL_IMAP);
        int n = Integer.getInteger("imap.backlog", 1000);
        for (int i = 0; i < n; i++) {
            user.deliver(mail("m" + i));
        }
        ImapReceiver r = receiver(ImapMailbox.Security.NONE, null, "INBOX", ImapMailbox.After.MOVE, Duration.ofSeconds(60), true);
        long start = System.nanoTime();
        r.start();
        await(() -> recorder.seen.size() >= n, Duration.ofSeconds(90), "the backlog");
        long millis = Duration.ofNanos(System.nanoTime() - start).toMillis();
        System.out.println("IMAP backlog: " + n + " messages routed and moved in " + millis + " ms");
        Set<String> distinct = new TreeSet<>(recorder.seen);
        assertEquals(n, distinct.size());
        assertEquals(n, recorder.seen.size(), "each once");
        await(() -> count("INBOX") == 0, Duration.ofSeconds(10), "the moves");
        assertEquals(n, count("Processed"));
    }

    @Test
    void mailArrivingAfterAMoveIsPolledToo() throws Exception {
        startGreenMail(ServerSetup.PROTOCOL_IMAP);
        ImapReceiver r = receiver(ImapMailbox.Security.NONE, null, "INBOX", ImapMailbox.After.MOVE, Duration.ofMillis(300), false);
        r.start();
        for (String subject : List.of("one", "two", "three")) {
            user.deliver(mail(subject));
            int n = recorder.seen.size() + 1;
            await(() -> recorder.seen.size() == n, Duration.ofSeconds(15), subject);
        }
        assertEquals(List.of("one", "two", "three"), recorder.seen);
    }

    @Test
    void imapsWithXoauth2AndAFixedToken() throws Exception {
        startGreenMail(ServerSetup.PROTOCOL_IMAPS);
        ImapReceiver r = receiver(ImapMailbox.Security.TLS, u -> "s3cret-token", "INBOX", ImapMailbox.After.MOVE, Duration.ofMillis(500), true);
        r.start();
        user.deliver(mail("over tls"));
        await(() -> recorder.seen.size() == 1, Duration.ofSeconds(15), "routing over IMAPS with XOAUTH2");
        user.deliver(mail("second over tls"));
        await(() -> recorder.seen.size() == 2, Duration.ofSeconds(15), "the second message");
    }

    @Test
    void aWrongTokenIsRetriedWithBackoffAndNothingIsLost() throws Exception {
        startGreenMail(ServerSetup.PROTOCOL_IMAP);
        String[] token = {"expired"};
        ImapReceiver r = receiver(ImapMailbox.Security.NONE, u -> token[0], "INBOX", ImapMailbox.After.MOVE, Duration.ofSeconds(60), true);
        user.deliver(mail("waits for a good token"));
        r.start();
        Thread.sleep(1500);
        assertEquals(0, recorder.seen.size());
        assertEquals(1, count("INBOX"), "stays on the server");
        token[0] = "s3cret-token";
        await(() -> recorder.seen.size() == 1, Duration.ofSeconds(15), "routing once the token is good");
    }
}
