package org.tubemail.internal.http;

import org.tubemail.internal.config.ConfigException;
import org.tubemail.internal.config.Settings;

import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.Optional;

/**
 * The HTTP listener's settings: {@code http.enabled} (true), {@code http.host} (127.0.0.1),
 * {@code http.port} (8827), {@code http.token} (a Bearer token, required for a bind beyond
 * loopback), {@code http.public.url} (the base URL in links sent by mail), {@code http.events.buffer}
 * (events kept for reconnecting readers, 10,000) and {@code http.events.clients} (readers of the
 * event stream at once, 16).
 *
 * @param enabled      whether the listener runs
 * @param host         the address it binds
 * @param port         the port (0: any free one)
 * @param token        the Bearer token the API and metrics demand, or {@code ""} for none
 * @param publicUrl    the public base URL without a trailing slash, if set
 * @param eventBuffer  the size of the event ring
 * @param eventClients how many event-stream readers may be connected at once
 */
public record HttpSettings(boolean enabled, String host, int port, String token, Optional<String> publicUrl, int eventBuffer,
                           int eventClients) {

    /** Reads and checks the settings; refuses a bind beyond loopback without a token. */
    public static HttpSettings from(Settings s) {
        return from(s, true);
    }

    /** Like {@link #from(Settings)}, with the listener on or off when {@code http.enabled} is not set. */
    public static HttpSettings from(Settings s, boolean enabledByDefault) {
        boolean enabled = s.bool("http.enabled", enabledByDefault);
        String host = s.string("http.host", "127.0.0.1");
        int port = s.port("http.port", 8827);
        String token = s.string("http.token", "");
        if (!token.isEmpty() && token.length() < 16) {
            throw s.invalid("http.token", "a secret of at least 16 characters (e.g. from: openssl rand -hex 32)");
        }
        if (enabled && token.isEmpty() && !loopback(host)) {
            throw new ConfigException(s.source() + ": http.host = '" + host + "': binding beyond loopback needs http.token"
                    + " (a secret of at least 16 characters that clients send as 'Authorization: Bearer TOKEN')");
        }
        String url = s.string("http.public.url", "");
        if (!url.isEmpty()) {
            try {
                URI u = new URI(url);
                if (!("https".equals(u.getScheme()) || "http".equals(u.getScheme())) || u.getHost() == null || u.getQuery() != null) {
                    throw new URISyntaxException(url, "not an absolute http(s) URL without query");
                }
            } catch (URISyntaxException e) {
                throw s.invalid("http.public.url", "an absolute http or https URL such as https://lists.example.com");
            }
        }
        return new HttpSettings(enabled, host, port, token, url.isEmpty() ? Optional.empty() : Optional.of(url.replaceAll("/+$", "")),
                s.integer("http.events.buffer", 10_000, 1, 10_000_000), s.integer("http.events.clients", 16, 1, 1_000));
    }

    /** Whether {@code host} names only the loopback interface. */
    static boolean loopback(String host) {
        if (host.equalsIgnoreCase("localhost")) {
            return true;
        }
        try {
            InetAddress a = InetAddress.getByName(host.replaceAll("^\\[|]$", ""));
            return a.isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
