package org.tubemail.internal.app;

import org.tubemail.internal.config.ConfigException;
import org.tubemail.internal.config.Settings;
import org.tubemail.internal.routing.Router;
import org.tubemail.internal.server.imap.ImapMailbox;
import org.tubemail.internal.server.imap.ImapReceiver;
import org.tubemail.internal.server.imap.ImapTokenProvider;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Builds one {@link ImapReceiver} per mailbox named in the settings ({@code receiver.imap.NAME.host}
 * and friends, see README.md "IMAP"); each keeps its progress in {@code run/imap/NAME.progress}.
 */
final class ImapMailboxes {

    private static final String PREFIX = "receiver.imap.";

    private ImapMailboxes() {
    }

    static List<ImapReceiver> create(Settings s, Router router, long maxMessageBytes) {
        Set<String> names = new LinkedHashSet<>();
        s.withPrefix(PREFIX).keySet().forEach(k -> names.add(k.contains(".") ? k.substring(0, k.indexOf('.')) : k));
        List<ImapReceiver> out = new ArrayList<>();
        for (String name : names) {
            String k = PREFIX + name + ".";
            if (!name.matches("[A-Za-z0-9_-]+")) {
                throw s.invalid(k + "host", "a mailbox name of letters, digits, - and _ in receiver.imap.NAME.*");
            }
            String host = s.string(k + "host", "");
            if (host.isEmpty()) {
                throw s.invalid(k + "host", "the IMAP server's host name");
            }
            ImapMailbox.Security security = ImapMailbox.Security.valueOf(
                    s.choice(k + "security", "tls", "tls", "starttls", "none").toUpperCase(Locale.ROOT));
            String user = s.string(k + "user", "");
            if (user.isEmpty()) {
                throw s.invalid(k + "user", "the mailbox login");
            }
            String auth = s.choice(k + "auth", "password", "password", "xoauth2");
            ImapTokenProvider tokens = auth.equals("xoauth2") ? tokens(s, k, name) : null;
            if (tokens == null && s.string(k + "password", "").isEmpty()) {
                throw s.invalid(k + "password", "the mailbox password, e.g. ${env:IMAP_PASSWORD} (or auth=xoauth2)");
            }
            ImapMailbox.After after = ImapMailbox.After.valueOf(
                    s.choice(k + "after", "move", "move", "flag", "delete").toUpperCase(Locale.ROOT));
            ImapMailbox mailbox = new ImapMailbox(name, host, s.port(k + "port", security == ImapMailbox.Security.TLS ? 993 : 143), security,
                    user, s.string(k + "password", ""), tokens, s.string(k + "folder", "INBOX"), after,
                    s.string(k + "move.folder", "Tubemail"), s.string(k + "flag", "$Tubemail"), s.string(k + "address", ""),
                    s.seconds(k + "poll.seconds", Duration.ofSeconds(60), false),
                    s.bool(k + "idle", true), s.string(k + "ssl.trust", ""),
                    s.seconds(k + "timeout.seconds", Duration.ofSeconds(30), false));
            out.add(new ImapReceiver(mailbox, router, s.path("queue.imap.progress", "run/imap").resolve(name + ".progress"),
                    maxMessageBytes));
        }
        return out;
    }

    private static ImapTokenProvider tokens(Settings s, String k, String name) {
        String fixed = s.string(k + "token", "");
        String provider = s.string(k + "token.provider", "");
        if (!fixed.isEmpty()) {
            return user -> fixed;
        }
        if (provider.isEmpty()) {
            throw s.invalid(k + "token.provider", "a class implementing " + ImapTokenProvider.class.getName() + " (or a fixed " + k + "token)");
        }
        try {
            Class<?> type = Class.forName(provider);
            Object o;
            try {
                o = type.getConstructor(String.class).newInstance(name);
            } catch (NoSuchMethodException e) {
                o = type.getConstructor().newInstance();
            }
            if (o instanceof ImapTokenProvider p) {
                return p;
            }
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new ConfigException(s.source() + ": " + k + "token.provider = '" + provider + "': cannot create it: " + e, e);
        }
        throw s.invalid(k + "token.provider", "a class implementing " + ImapTokenProvider.class.getName());
    }
}
