package org.tubemail.internal.faults;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/** Sends one message over SMTP and returns the reply that decided it (the first refusal, or the DATA reply). */
final class SmtpTalk {

    private SmtpTalk() {
    }

    static String send(int port, String from, String to, String subject, int bodyBytes) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(30_000);
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
            OutputStream out = s.getOutputStream();
            reply(in);
            for (String cmd : new String[]{"EHLO client.test", "MAIL FROM:<" + from + ">", "RCPT TO:<" + to + ">", "DATA"}) {
                out.write((cmd + "\r\n").getBytes(StandardCharsets.US_ASCII));
                out.flush();
                String r = reply(in);
                if (!r.startsWith("2") && !r.startsWith("3")) {
                    return r;
                }
            }
            StringBuilder body = new StringBuilder("Subject: " + subject + "\r\nFrom: <" + from + ">\r\nTo: <" + to
                    + ">\r\nMessage-ID: <" + subject + "@client.test>\r\n\r\n");
            String line = "x".repeat(76) + "\r\n";
            while (body.length() < bodyBytes) {
                body.append(line);
            }
            out.write((body + ".\r\nQUIT\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            return reply(in);
        }
    }

    private static String reply(BufferedReader in) throws IOException {
        String line;
        do {
            line = in.readLine();
            if (line == null) {
                return "(closed)";
            }
        } while (line.length() > 3 && line.charAt(3) == '-');
        return line;
    }
}
