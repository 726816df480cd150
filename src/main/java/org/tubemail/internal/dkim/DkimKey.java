package org.tubemail.internal.dkim;

import java.security.PrivateKey;
import java.util.Locale;

/**
 * A signing key and where its public half is published: {@code SELECTOR._domainkey.DOMAIN}.
 *
 * @param domain   the signing domain ({@code d=})
 * @param selector the selector ({@code s=})
 * @param key      an RSA (rsa-sha256) or Ed25519 (ed25519-sha256) private key
 */
public record DkimKey(String domain, String selector, PrivateKey key) {
    public DkimKey {
        domain = domain.toLowerCase(Locale.ROOT);
        if (!domain.matches("[a-z0-9.-]+") || !selector.matches("[A-Za-z0-9._-]+")) {
            throw new IllegalArgumentException("bad DKIM domain or selector: '" + domain + "', '" + selector + "'");
        }
        DkimAlgorithm.of(key);
    }

    /** The algorithm this key signs with. */
    public DkimAlgorithm algorithm() {
        return DkimAlgorithm.of(key);
    }

    /** Hides the key. */
    @Override
    public String toString() {
        return "DkimKey[" + selector + "._domainkey." + domain + " " + algorithm().tag() + "]";
    }
}
