package org.tubemail.internal.crash;

import com.icegreen.greenmail.user.GreenMailUser;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Store;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The IMAP receiver under {@code kill -9}: a Tubemail server in a child JVM routes a 400-message
 * backlog from GreenMail (in this JVM, so the mailbox survives) and is killed with SIGKILL twice
 * mid-way, often between routing messages and moving them. Afterwards every message must be
 * handled, moved out of the inbox, and handled twice at most once per kill.
 */
class ImapCrashTest {

    private static final int MESSAGES = 400;
    private static final int KILLS = 2;

    @TempDir
    Path home;

    private GreenMail greenMail;
    private int imapPort;
    private int smtpPort;
    private Process server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.destroyForcibly();
        }
        if (greenMail != null) {
            greenMail.stop();
        }
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private List<String> handledLines() throws Exception {
        Path log = home.resolve("run/handled.log");
        return Files.exists(log) ? Files.readAllLines(log, StandardCharsets.US_ASCII).stream().filter(l -> !l.isBlank()).toList() : List.of();
    }

    private Process startServer() throws Exception {
        return ChildServer.start(home, smtpPort);
    }

    private int count(String folder) throws Exception {
        try (Store s = Session.getInstance(new Properties()).getStore("imap")) {
            s.connect("127.0.0.1", imapPort, "load", "secret");
            Folder f = s.getFolder(folder);
            return f.exists() ? f.getMessageCount() : 0;
        }
    }

    @Test
    void noMessageIsLostAndAtMostOneIsRepeatedPerKill() throws Exception {
        imapPort = freePort();
        smtpPort = freePort();
        ServerSetup setup = new ServerSetup(imapPort, "127.0.0.1", ServerSetup.PROTOCOL_IMAP);
        setup.setServerStartupTimeout(15_000);
        greenMail = new GreenMail(setup);
        greenMail.start();
        GreenMailUser user = greenMail.setUser("load@example.com", "load", "secret");
        Session session = Session.getInstance(new Properties());
        for (int seq = 0; seq < MESSAGES; seq++) {
            MimeMessage m = new MimeMessage(session);
            m.setFrom("sender" + (seq % 20) + "@example.org");
            m.setRecipients(Message.RecipientType.TO, "load@example.com");
            m.setSubject("message " + seq);
            m.setHeader("X-Seq", String.valueOf(seq));
            m.setText("body of " + seq);
            m.saveChanges();
            user.deliver(m);
        }
        Files.createDirectories(home.resolve("config"));
        Files.writeString(home.resolve("config/settings.properties"), String.join("\n",
                "receiver.smtp.port=" + smtpPort, "http.enabled=false", "receiver.accepted.domains=example.com", "route.default.host=example\\\\.com",
                "handlers=" + RecordingHandler.class.getName(), "storage.kind=mapdb",
                "receiver.imap.load.host=127.0.0.1", "receiver.imap.load.port=" + imapPort, "receiver.imap.load.security=none",
                "receiver.imap.load.user=load", "receiver.imap.load.password=secret", "receiver.imap.load.after=move",
                "receiver.imap.load.move.folder=Done", "receiver.imap.load.poll.seconds=60", ""));
        server = startServer();
        for (int kill = 1; kill <= KILLS; kill++) {
            int target = MESSAGES * kill / (KILLS + 1);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (handledLines().size() < target && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            server.destroyForcibly(); // SIGKILL
            assertTrue(server.waitFor(30, TimeUnit.SECONDS));
            server = startServer();
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while ((new HashSet<>(handledLines()).size() < MESSAGES || count("INBOX") > 0) && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        server.destroy();
        assertTrue(server.waitFor(60, TimeUnit.SECONDS), "graceful stop");
        List<String> lines = handledLines();
        Set<String> handled = new HashSet<>(lines);
        List<Integer> lost = new ArrayList<>();
        for (int seq = 0; seq < MESSAGES; seq++) {
            if (!handled.contains(String.valueOf(seq))) {
                lost.add(seq);
            }
        }
        int twice = lines.size() - handled.size();
        System.out.printf("IMAP crash test: %d messages, %d kills, handled %d, lost %d, handled twice %d, left in INBOX %d, moved %d%n",
                MESSAGES, KILLS, handled.size(), lost.size(), twice, count("INBOX"), count("Done"));
        assertEquals(List.of(), lost, "messages never handled");
        assertTrue(twice <= KILLS, "at most one repeat per kill, got " + twice);
        assertEquals(0, count("INBOX"), "every routed message left the inbox");
        assertEquals(MESSAGES, count("Done"));
    }
}
