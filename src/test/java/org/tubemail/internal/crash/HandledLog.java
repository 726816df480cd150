package org.tubemail.internal.crash;

import org.tubemail.support.SmtpClient;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The shared-spool tests' client and their reading of the handled log that every server's
 * {@link RecordingHandler} appends {@code sender:n} lines to (and the client address, with
 * {@code -Dtubemail.crash.peer=true}).
 */
final class HandledLog {

    private HandledLog() {
    }

    /**
     * Sends one message over a new connection from {@code source} (a 127/8 address); true when the
     * server answered {@code 250} to its data. {@code seq} becomes its {@code X-Seq}.
     */
    static boolean send(String source, int port, String sender, String seq, String messageId) {
        return reply(source, port, sender, seq, messageId).startsWith("250");
    }

    /**
     * As {@link #send}, returning the server's reply to the data, or its first refusal before it;
     * {@code "4xx"} and the exception when the connection failed or dropped (a client tries again).
     */
    static String reply(String source, int port, String sender, String seq, String messageId) {
        try (Socket s = new Socket()) {
            s.bind(new InetSocketAddress(source, 0));
            s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            SmtpClient c = new SmtpClient(s);
            String r = c.reply();
            for (String command : List.of("HELO client", "MAIL FROM:<" + sender + ">", "RCPT TO:<load@example.com>", "DATA")) {
                if (!r.startsWith("2") && !r.startsWith("354")) {
                    return r;
                }
                r = c.cmd(command);
            }
            if (!r.startsWith("354")) {
                return r;
            }
            c.send("Message-ID: <" + messageId + ">\r\nFrom: " + sender + "\r\nX-Seq: " + seq + "\r\nSubject: " + seq + "\r\n\r\nbody\r\n.\r\n");
            return c.reply();
        } catch (IOException e) {
            return "4xx " + e;
        }
    }

    /** The log's lines in the order the handlers ran. */
    static List<String> lines(Path log) throws IOException {
        return Files.exists(log) ? Stream.of(Files.readString(log, StandardCharsets.US_ASCII).split("\n")).filter(l -> !l.isBlank()).toList()
                : List.of();
    }

    /** The {@code sender:n} part of a line. */
    static String seq(String line) {
        int space = line.indexOf(' ');
        return space < 0 ? line : line.substring(0, space);
    }

    /**
     * Order counts: lines that came after a later message of the same sender (violations), and
     * lines that repeat the sender's latest message (a message routed again: at least once).
     */
    record Order(int violations, int repeats, Set<String> violating) {
        static Order of(List<String> lines) {
            Map<String, Integer> highest = new HashMap<>();
            int violations = 0;
            int repeats = 0;
            Set<String> violating = new HashSet<>();
            for (String line : lines) {
                String seq = seq(line);
                String sender = seq.substring(0, seq.lastIndexOf(':'));
                int n = Integer.parseInt(seq.substring(seq.lastIndexOf(':') + 1));
                Integer max = highest.get(sender);
                if (max != null && n < max) {
                    violations++;
                    violating.add(sender);
                } else if (max != null && n == max) {
                    repeats++;
                } else {
                    highest.put(sender, n);
                }
            }
            return new Order(violations, repeats, violating);
        }
    }
}
