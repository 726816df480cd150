package org.tubemail.internal.app;

import org.tubemail.internal.config.ConfigException;
import org.tubemail.internal.config.Settings;
import org.tubemail.internal.dkim.DkimKey;
import org.tubemail.internal.dkim.DkimKeyring;
import org.tubemail.internal.dkim.DkimKeys;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads the relay's DKIM keys: for each signing domain, {@code relay.dkim.DOMAIN.selector} and
 * {@code relay.dkim.DOMAIN.key} (a PEM private key file, as {@code bin/tubemail dkim keygen} writes
 * it). A key that is missing or unreadable stops start-up with the file and the key named: mail is
 * never sent unsigned because a key file went astray.
 */
final class SigningKeys {
    private static final String PREFIX = "relay.dkim.";

    private SigningKeys() {}

    static DkimKeyring load(Settings s) {
        Map<String, String[]> byDomain = new TreeMap<>();
        s.withPrefix(PREFIX).forEach((rest, value) -> {
            int dot = rest.lastIndexOf('.');
            String domain = dot < 0 ? "" : rest.substring(0, dot);
            String field = rest.substring(dot + 1);
            if (domain.isEmpty() || !(field.equals("selector") || field.equals("key"))) {
                throw s.invalid(PREFIX + rest, "relay.dkim.DOMAIN.selector or relay.dkim.DOMAIN.key");
            }
            byDomain.computeIfAbsent(domain, d -> new String[2])[field.equals("selector") ? 0 : 1] = value;
        });
        DkimKeyring ring = new DkimKeyring();
        byDomain.forEach((domain, pair) -> ring.add(key(s, domain, pair[0], pair[1])));
        return ring;
    }

    private static DkimKey key(Settings s, String domain, String selector, String file) {
        String selectorKey = PREFIX + domain + ".selector";
        String fileKey = PREFIX + domain + ".key";
        if (selector == null || selector.isBlank()) throw s.invalid(selectorKey, "the selector published at SELECTOR._domainkey." + domain);
        if (file == null || file.isBlank()) throw s.invalid(fileKey, "the path of " + domain + "'s DKIM private key (PEM)");
        Path path = s.path(fileKey, file);
        if (!Files.isReadable(path)) {
            throw new ConfigException(s.source() + ": " + fileKey + " = '" + file + "': cannot read " + path
                    + "; expected a readable PEM private key (bin/tubemail dkim keygen " + domain + " " + selector + " writes one)");
        }
        try {
            return new DkimKey(domain, selector, DkimKeys.readPrivateKey(path));
        } catch (IOException | IllegalArgumentException e) {
            throw new ConfigException(s.source() + ": " + fileKey + " = '" + file + "': " + e.getMessage()
                    + "; expected an RSA or Ed25519 private key in PEM", e);
        }
    }
}
