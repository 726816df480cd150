package org.tubemail.internal.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A minimal LMTP client (RFC 2033) for {@code sendmail --lmtp}: one message, over TCP or a unix-domain
 * socket, and the server's reply for each recipient. Jakarta Mail has no LMTP over unix sockets.
 */
final class LmtpSubmitter implements AutoCloseable {

    private final java.io.Closeable connection;
    private final BufferedReader in;
    private final OutputStream out;

    private LmtpSubmitter(java.io.Closeable connection, java.io.InputStream in, OutputStream out) {
        this.connection = connection;
        this.in = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        this.out = out;
    }

    /** Connects over TCP. */
    static LmtpSubmitter tcp(String host, int port) throws IOException {
        Socket s = new Socket();
        s.connect(new InetSocketAddress(host, port), 10_000);
        s.setSoTimeout(120_000);
        return new LmtpSubmitter(s, s.getInputStream(), s.getOutputStream());
    }

    /** Connects to a unix-domain socket. */
    static LmtpSubmitter unix(Path socket) throws IOException {
        SocketChannel ch = SocketChannel.open(UnixDomainSocketAddress.of(socket));
        return new LmtpSubmitter(ch, Channels.newInputStream(ch), Channels.newOutputStream(ch));
    }

    /**
     * Sends {@code raw} (any line endings) and returns each recipient's final reply, e.g.
     * {@code 250 2.0.0 ...} or the {@code RCPT} refusal; a refused {@code MAIL} gives every
     * recipient that reply.
     */
    Map<String, String> send(byte[] raw, String from, List<String> recipients) throws IOException {
        Map<String, String> replies = new LinkedHashMap<>();
        expect(reply(), "220");
        command("LHLO " + java.net.InetAddress.getLoopbackAddress().getHostName());
        expect(reply(), "250");
        command("MAIL FROM:<" + from + ">");
        String mail = reply();
        if (!mail.startsWith("250")) {
            recipients.forEach(r -> replies.put(r, mail));
            return replies;
        }
        List<String> accepted = new ArrayList<>();
        for (String r : recipients) {
            command("RCPT TO:<" + r + ">");
            String reply = reply();
            replies.put(r, reply);
            if (reply.startsWith("250")) {
                accepted.add(r);
            }
        }
        if (accepted.isEmpty()) {
            command("QUIT");
            return replies;
        }
        command("DATA");
        String data = reply();
        if (!data.startsWith("354")) {
            accepted.forEach(r -> replies.put(r, data));
            return replies;
        }
        out.write(dotStuffed(raw));
        out.write(".\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
        for (String r : accepted) {
            replies.put(r, reply());
        }
        command("QUIT");
        return replies;
    }

    /** The message with CRLF line ends, a final line end, and leading dots doubled. */
    static byte[] dotStuffed(byte[] raw) {
        java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream(raw.length + 64);
        boolean lineStart = true;
        for (int i = 0; i < raw.length; i++) {
            byte c = raw[i];
            if (lineStart && c == '.') {
                b.write('.');
            }
            if (c == '\n') {
                b.write('\r');
                b.write('\n');
                lineStart = true;
            } else if (c == '\r' && i + 1 < raw.length && raw[i + 1] == '\n') {
                lineStart = false; // the LF that follows writes CRLF
            } else {
                b.write(c);
                lineStart = false;
            }
        }
        if (!lineStart) {
            b.write('\r');
            b.write('\n');
        }
        return b.toByteArray();
    }

    private void command(String line) throws IOException {
        out.write((line + "\r\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    /** One reply, multi-line replies joined; the last line's code starts it. */
    private String reply() throws IOException {
        String line;
        StringBuilder text = new StringBuilder();
        do {
            line = in.readLine();
            if (line == null) {
                throw new IOException("the LMTP server closed the connection");
            }
            text.append(text.length() == 0 ? "" : " ").append(line.length() > 4 ? line.substring(4) : "");
        } while (line.length() > 3 && line.charAt(3) == '-');
        return line.substring(0, Math.min(3, line.length())) + " " + text;
    }

    private static void expect(String reply, String code) throws IOException {
        if (!reply.startsWith(code)) {
            throw new IOException("unexpected LMTP reply: " + reply);
        }
    }

    @Override
    public void close() throws IOException {
        connection.close();
    }
}
