package org.tubemail.internal.http;

import org.tubemail.internal.app.TubemailServer;
import org.tubemail.internal.config.Settings;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * A whole Tubemail server on free loopback ports (SMTP and HTTP), with the echo example and
 * {@link FlakyHandler}, the maildir relay in a temporary folder, and helpers to speak SMTP and HTTP to it.
 */
final class OpsFixture implements AutoCloseable {

    final TubemailServer server;
    final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    OpsFixture(Path home, Map<String, String> extra) throws IOException {
        Map<String, String> s = new HashMap<>(Map.of(
                "receiver.smtp.port", "0",
                "http.port", "0",
                "receiver.accepted.domains", "localhost",
                "route.default.host", "localhost",
                "handlers", "org.tubemail.examples.echo.EchoHandler," + FlakyHandler.class.getName(),
                "storage.kind", "memory",
                "handler.timeout.seconds", "0"));
        s.putAll(extra);
        FlakyHandler.FAIL.set(true);
        server = TubemailServer.configure(Settings.of("ops-test", home, s));
        server.start();
    }

    String base() {
        return "http://127.0.0.1:" + server.httpPort();
    }

    HttpResponse<String> get(String path, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base() + path)).timeout(Duration.ofSeconds(20)).GET();
        if (headers.length > 0) {
            b.headers(headers);
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> call(String method, String path, String body, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base() + path)).timeout(Duration.ofSeconds(20))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (headers.length > 0) {
            b.headers(headers);
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The CSRF token the console reads from {@code GET /api/csrf}. */
    String csrf() throws Exception {
        String body = get("/api/csrf").body();
        return Call.JSON.readTree(body).path("token").asText();
    }

    /** A state-changing call as the console makes it (with the CSRF header). */
    HttpResponse<String> change(String method, String path, String body) throws Exception {
        return call(method, path, body, OpsHttpServer.CSRF_HEADER, csrf(), "Content-Type", "application/json");
    }

    /** Sends {@code message} over SMTP; returns the reply to the end of DATA. */
    String smtp(String from, String to, byte[] message) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", server.smtpPort())) {
            socket.setSoTimeout(20_000);
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.ISO_8859_1));
            OutputStream out = socket.getOutputStream();
            expect(in, "220");
            for (String cmd : new String[]{"EHLO test.example", "MAIL FROM:<" + from + ">", "RCPT TO:<" + to + ">", "DATA"}) {
                out.write((cmd + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
                expect(in, cmd.equals("DATA") ? "354" : cmd.startsWith("EHLO") ? "250" : "250");
            }
            out.write(dotStuff(message));
            out.write(".\r\n".getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            String reply = expect(in, "");
            out.write("QUIT\r\n".getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            return reply;
        }
    }

    static byte[] mail(String from, String to, String subject, String body) {
        return ("From: <" + from + ">\r\nTo: <" + to + ">\r\nSubject: " + subject + "\r\nMessage-ID: <" + System.nanoTime()
                + "@test>\r\n\r\n" + body + "\r\n").getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] dotStuff(byte[] message) {
        String s = new String(message, StandardCharsets.ISO_8859_1).replace("\r\n", "\n").replace("\n", "\r\n");
        if (!s.endsWith("\r\n")) {
            s += "\r\n";
        }
        s = s.replace("\r\n.", "\r\n..");
        if (s.startsWith(".")) {
            s = "." + s;
        }
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static String expect(BufferedReader in, String code) throws IOException {
        String line;
        do {
            line = in.readLine();
            if (line == null) {
                throw new IOException("connection closed, expected " + code);
            }
        } while (line.length() > 3 && line.charAt(3) == '-');
        if (!line.startsWith(code)) {
            throw new IOException("expected " + code + ", got " + line);
        }
        return line;
    }

    @Override
    public void close() {
        server.stop(Duration.ofSeconds(5));
    }
}
