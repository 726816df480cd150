package org.tubemail.support;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/** A raw SMTP/LMTP client for protocol-level tests: sends lines, reads replies (multi-line aware). */
public final class SmtpClient implements AutoCloseable {

    private final Socket socket;
    private final java.io.Closeable connection;
    private final BufferedReader in;
    private final OutputStream out;

    /** A client connected to 127.0.0.1:{@code port}. */
    public SmtpClient(int port) throws IOException {
        this(new Socket("127.0.0.1", port));
    }

    /** A client on an already connected socket. */
    public SmtpClient(Socket connected) throws IOException {
        socket = connected;
        connection = connected;
        socket.setSoTimeout(20_000);
        in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
        out = socket.getOutputStream();
    }

    /** A client connected to a unix-domain socket (no read timeout: the test's own timeout guards it). */
    public SmtpClient(Path unixSocket) throws IOException {
        SocketChannel channel = SocketChannel.open(UnixDomainSocketAddress.of(unixSocket));
        socket = null;
        connection = channel;
        in = new BufferedReader(new InputStreamReader(Channels.newInputStream(channel), StandardCharsets.UTF_8));
        out = Channels.newOutputStream(channel);
    }

    /** The underlying socket (null over a unix-domain socket), for tests that need to write in their own way. */
    public Socket socket() {
        return socket;
    }

    /** Reads one whole reply; returns its last line. */
    public String reply() throws IOException {
        String line;
        do {
            line = in.readLine();
            if (line == null) {
                return "(closed)";
            }
        } while (line.length() > 3 && line.charAt(3) == '-');
        return line;
    }

    /** Sends {@code text} as it is. */
    public void send(String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    /** Sends a command line and reads its reply. */
    public String cmd(String line) throws IOException {
        send(line + "\r\n");
        return reply();
    }

    /** Reads the greeting, says HELO and starts a transaction from {@code sender}. */
    public void begin(String sender) throws IOException {
        reply();
        cmd("HELO client");
        cmd("MAIL FROM:<" + sender + ">");
    }

    /** Closes the connection; {@code abruptly} resets it (RST) instead of a clean close. */
    public void close(boolean abruptly) throws IOException {
        if (abruptly && socket != null) {
            socket.setSoLinger(true, 0);
        }
        connection.close();
    }

    @Override
    public void close() throws IOException {
        connection.close();
    }
}
