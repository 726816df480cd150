package org.tubemail.internal.relay;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.subethamail.smtp.auth.EasyAuthenticationHandlerFactory;
import org.subethamail.smtp.auth.LoginFailedException;
import org.subethamail.smtp.helper.BasicMessageListener;
import org.subethamail.smtp.server.SMTPServer;
import org.tubemail.internal.queue.MemoryQueue;

import java.io.InputStream;
import java.net.InetAddress;
import java.security.KeyStore;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * STARTTLS with a login, against a smarthost (SubEthaSMTP with GreenMail's self-signed key) that
 * refuses mail before STARTTLS and without AUTH, so a message that arrives went encrypted and signed in.
 */
class SmtpRelayStartTlsTest {

    private final List<String> received = new CopyOnWriteArrayList<>();
    private SMTPServer server;
    private final MemoryQueue queue = new MemoryQueue();

    @BeforeEach
    void start() throws Exception {
        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = getClass().getClassLoader().getResourceAsStream("greenmail.p12")) {
            keys.load(in, "changeit".toCharArray());
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, "changeit".toCharArray());
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(kmf.getKeyManagers(), null, null);
        BasicMessageListener listener = (context, from, to, data) -> received.add(from + " -> " + to);
        server = SMTPServer.port(0).bindAddress(InetAddress.getLoopbackAddress())
                .enableTLS().requireTLS().startTlsSocketFactory(tls)
                .requireAuth().authenticationHandlerFactory(new EasyAuthenticationHandlerFactory((user, password, ctx) -> {
                    if (!user.equals("relay") || !password.equals("s3cret")) {
                        throw new LoginFailedException();
                    }
                }))
                .messageHandler(listener).build();
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop();
    }

    private RelaySettings settings(String trust) {
        return new RelaySettings("127.0.0.1", server.getPortAllocated(), RelaySettings.Security.STARTTLS, "relay", "s3cret",
                Duration.ofSeconds(5), trust);
    }

    @Test
    void sendsAfterStartTlsAndLogin() {
        try (SmtpRelay relay = new SmtpRelay(settings("127.0.0.1"), queue, SmtpRelayTest.FAST)) {
            relay.deliver(SmtpRelayTest.message("secure"), "help@example.com", List.of("ann@example.org"));
        }
        assertEquals(List.of("help@example.com -> ann@example.org"), received);
        assertEquals(0, queue.count());
    }

    @Test
    void anUntrustedCertificateStopsTheSendAndKeepsTheMessage() {
        try (SmtpRelay relay = new SmtpRelay(settings(""), queue, SmtpRelayTest.FAST)) {
            relay.deliver(SmtpRelayTest.message("secure"), "help@example.com", List.of("ann@example.org"));
        }
        assertEquals(List.of(), received);
        assertEquals(1, queue.count());
        String reason = SmtpRelayTest.reason(queue, queue.keys().get(0));
        assertTrue(reason.startsWith("retry") && reason.contains("SSLHandshakeException"), reason);
    }
}
