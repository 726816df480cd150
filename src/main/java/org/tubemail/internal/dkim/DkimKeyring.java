package org.tubemail.internal.dkim;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The signing keys of the domains Tubemail sends for, chosen by the {@code From:} domain: the key
 * of that very domain, else of its nearest parent that has one (a parent's {@code d=} is aligned
 * with a subdomain's {@code From:} under DMARC's default relaxed alignment).
 */
public final class DkimKeyring {
    private final Map<String, DkimSigner> signers = new LinkedHashMap<>();

    /** Adds {@code key} for its domain, replacing any earlier one. */
    public DkimKeyring add(DkimKey key) {
        signers.put(key.domain(), new DkimSigner(key));
        return this;
    }

    /** Whether no key was added. */
    public boolean isEmpty() {
        return signers.isEmpty();
    }

    /** The signer for mail from {@code domain}, if any. */
    public Optional<DkimSigner> signerFor(String domain) {
        String d = domain.toLowerCase(Locale.ROOT);
        while (!d.isEmpty()) {
            DkimSigner s = signers.get(d);
            if (s != null) return Optional.of(s);
            int dot = d.indexOf('.');
            d = dot < 0 ? "" : d.substring(dot + 1);
        }
        return Optional.empty();
    }

    @Override
    public String toString() {
        return "DkimKeyring" + signers.values().stream().map(DkimSigner::key).toList();
    }
}
