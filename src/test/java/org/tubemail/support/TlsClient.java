package org.tubemail.support;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/** An SMTP/LMTP client for tests that can switch to TLS after STARTTLS, trusting any certificate. */
public final class TlsClient implements AutoCloseable {

    private final Socket plain;
    private Socket socket;
    private BufferedReader in;
    private OutputStream out;

    /** A client connected to 127.0.0.1:{@code port}, in plain text until {@link #handshake}. */
    public TlsClient(int port) throws IOException {
        plain = new Socket();
        plain.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        plain.setSoTimeout(10_000);
        use(plain);
    }

    private void use(Socket s) throws IOException {
        socket = s;
        in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
        out = s.getOutputStream();
    }

    /** A context that trusts every certificate (tests against self-signed ones only). */
    public static SSLContext trustAll() throws GeneralSecurityException {
        SSLContext c = SSLContext.getInstance("TLS");
        c.init(null, new TrustManager[]{new X509TrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        }}, null);
        return c;
    }

    /** Starts TLS on the connection (after the server's 220) with the given protocols; returns the socket. */
    public SSLSocket handshake(String... protocols) throws IOException, GeneralSecurityException {
        return handshake(trustAll(), protocols);
    }

    /**
     * Starts TLS with {@code context}, whose session cache lets a later connection to the same
     * port resume this one's session; returns the socket.
     */
    public SSLSocket handshake(SSLContext context, String... protocols) throws IOException {
        SSLSocket s = (SSLSocket) context.getSocketFactory().createSocket(plain, "localhost", plain.getPort(), true);
        s.setUseClientMode(true);
        if (protocols.length > 0) {
            s.setEnabledProtocols(protocols);
        }
        s.startHandshake();
        use(s);
        return s;
    }

    /** Reads one whole reply, returns it (all lines, joined by newlines), or "(closed)". */
    public String replyAll() throws IOException {
        StringBuilder b = new StringBuilder();
        String line;
        do {
            line = in.readLine();
            if (line == null) {
                return "(closed)";
            }
            b.append(b.length() > 0 ? "\n" : "").append(line);
        } while (line.length() > 3 && line.charAt(3) == '-');
        return b.toString();
    }

    /** The last line of the next reply. */
    public String reply() throws IOException {
        String all = replyAll();
        return all.substring(all.lastIndexOf('\n') + 1);
    }

    /** Sends {@code text} as it is. */
    public void send(String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    /** Sends a command line and returns the last line of its reply. */
    public String cmd(String line) throws IOException {
        send(line + "\r\n");
        return reply();
    }

    /** Sends a command line and returns its whole reply. */
    public String cmdAll(String line) throws IOException {
        send(line + "\r\n");
        return replyAll();
    }

    /** The current socket: the TLS one after {@link #handshake}. */
    public Socket socket() {
        return socket;
    }

    /** Whether the server closed the connection: reading gives end of stream or a reset, not a timeout. */
    public boolean closedByServer() {
        try {
            return socket.getInputStream().read() < 0;
        } catch (java.net.SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
        plain.close();
    }
}
