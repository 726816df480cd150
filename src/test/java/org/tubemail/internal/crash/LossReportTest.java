package org.tubemail.internal.crash;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tubemail.internal.queue.EnvelopeHeaders;
import org.tubemail.internal.queue.LogQueue;
import org.tubemail.internal.queue.MaildirQueue;
import org.tubemail.mail.Envelope;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The crash tests' account of a lost message names the reply, the spool copies that held it, and the server's log lines on its key. */
class LossReportTest {

    @TempDir
    Path home;

    private static byte[] message(int seq) {
        return EnvelopeHeaders.wrap(Envelope.of("a@example.org", "load@example.com"), "",
                ("X-Seq: " + seq + "\r\nSubject: " + seq + "\r\n\r\nbody\r\n").getBytes(StandardCharsets.US_ASCII));
    }

    @Test
    void aLogSpoolLossSaysWhichCopiesHeldTheMessageAndWhetherItWasMarkedRemoved() throws Exception {
        LossReport report = new LossReport(home, "log");
        String routed;
        String waiting;
        try (LogQueue spool = new LogQueue(home.resolve("run/spool"))) {
            routed = spool.push(message(1));
            waiting = spool.push(message(2));
            spool.remove(routed);
        }
        report.accepted(1, 1, 1, "250 2.0.0 Ok: queued as " + routed);
        report.accepted(2, 1, 2, "250 2.0.0 Ok: queued as " + waiting);
        report.accepted(3, 2, 2, "250 2.0.0 Ok: queued as 0000000000000099");
        Files.writeString(home.resolve("server.log"), "ERROR cannot route queued message " + routed + " now\n");
        report.snapshot("after-kill-1");

        List<String> lines = report.explain(List.of(1, 2, 3));

        assertEquals(3, lines.size());
        assertTrue(lines.get(0).startsWith("seq 1: '250 2.0.0 Ok: queued as " + routed + "' from server start #1;"), lines.get(0));
        assertTrue(lines.get(0).contains("after-kill-1: id 1 in 0000000001.log, marked removed"), lines.get(0));
        assertTrue(lines.get(0).contains("server.log on " + routed + ": ERROR cannot route queued message"), lines.get(0));
        assertTrue(lines.get(1).contains("from server start #1-2;") && lines.get(1).contains("id 2 in 0000000001.log, waiting"), lines.get(1));
        assertTrue(lines.get(2).contains("spool: in no copy (after-kill-1)") && lines.get(2).endsWith(": nothing"), lines.get(2));
    }

    @Test
    void aMaildirSpoolLossSaysWhichFileHeldTheMessage() throws Exception {
        LossReport report = new LossReport(home, "maildir");
        String key = new MaildirQueue(home.resolve("run/spool")).push(message(5));
        report.snapshot("after-stop");

        String line = report.explain(List.of(5)).get(0);

        assertTrue(line.startsWith("seq 5: no reply recorded; spool: after-stop: new/" + key), line);
    }
}
