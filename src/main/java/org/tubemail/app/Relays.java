package org.tubemail.app;

import org.tubemail.config.Settings;
import org.tubemail.monitor.Monitor;
import org.tubemail.queue.MaildirQueue;
import org.tubemail.relay.MaildirRelay;
import org.tubemail.relay.Relay;
import org.tubemail.relay.RelaySettings;
import org.tubemail.relay.RetryPolicy;
import org.tubemail.relay.SmtpRelay;

import java.time.Duration;
import java.util.Locale;

/** Builds the relay: a smarthost when {@code relay.host} is set, else a maildir under {@code run/}. */
final class Relays {

    private Relays() {
    }

    static Relay create(Settings s, Monitor monitor) {
        String host = s.string("relay.host", "");
        if (host.isEmpty()) {
            return new MaildirRelay(s.path("relay.outbox", "run/outbox"), monitor);
        }
        RelaySettings.Security security = RelaySettings.Security.valueOf(
                s.choice("relay.security", "none", "none", "starttls", "tls").toUpperCase(Locale.ROOT));
        int defaultPort = switch (security) {
            case NONE -> 25;
            case STARTTLS -> 587;
            case TLS -> 465;
        };
        RelaySettings rs = new RelaySettings(host, s.port("relay.port", defaultPort), security, s.string("relay.username", ""),
                s.string("relay.password", ""), s.seconds("relay.timeout.seconds", Duration.ofSeconds(30), false),
                s.string("relay.ssl.trust", ""));
        return new SmtpRelay(rs, new MaildirQueue(s.path("queue.relay.retry", "run/relay-retry")), RetryPolicy.standard(), monitor);
    }
}
