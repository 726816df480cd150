package org.tubemail.internal.dkim;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tubemail.internal.dns.DnsAnswer;
import org.tubemail.internal.dns.DnsException;
import org.tubemail.internal.dns.DnsResolver;
import org.tubemail.mail.Authentication;
import org.tubemail.mail.Verdict;

import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Verifies every {@code DKIM-Signature} of a message (RFC 6376; rsa-sha256 and ed25519-sha256 per
 * RFC 8463), fetching keys through the {@link DnsResolver}. Per signature: {@code pass};
 * {@code fail} when the body hash or the signature does not match; {@code policy} for rsa-sha1
 * (RFC 8301) or an RSA key under 1024 bits; {@code permerror} for a broken signature or key
 * record, a missing key or one revoked; {@code temperror} when DNS gave no answer in time.
 * Thread-safe; blocks on DNS, so run it off any event loop.
 */
public final class DkimVerifier {
    private static final Logger LOG = LoggerFactory.getLogger(DkimVerifier.class);

    /** Parsed key records kept at most; when full, the store starts empty again. */
    private static final int MAX_KEYS = 1_000;

    private final DnsResolver dns;
    /** The last key record parsed for each {@code selector._domainkey.domain}. */
    private final Map<String, KeyRecord> keys = new ConcurrentHashMap<>();

    public DkimVerifier(DnsResolver dns) {
        this.dns = dns;
    }

    /** One verdict per signature, top first; empty when the message is unsigned. */
    public List<Authentication.Dkim> verify(byte[] message) {
        return verify(RawMessage.parse(message));
    }

    /** One verdict per signature of an already split message, top first. */
    public List<Authentication.Dkim> verify(RawMessage raw) {
        List<Authentication.Dkim> out = new ArrayList<>();
        for (HeaderField field : raw.headers()) {
            if (field.key().equals("dkim-signature")) out.add(verify(raw, field));
        }
        return out;
    }

    private Authentication.Dkim verify(RawMessage raw, HeaderField field) {
        TagList tags;
        try {
            tags = TagList.parse(field.value());
        } catch (IllegalArgumentException e) {
            return result(Verdict.PERMERROR, "", "", e.getMessage());
        }
        String domain = tags.get("d").orElse("").toLowerCase(Locale.ROOT);
        String selector = tags.get("s").orElse("");
        try {
            return new Authentication.Dkim(check(raw, field, tags, domain, selector), domain, selector);
        } catch (Failure f) {
            return result(f.verdict, domain, selector, f.getMessage());
        } catch (IllegalArgumentException e) {
            return result(Verdict.PERMERROR, domain, selector, e.getMessage());
        }
    }

    private Verdict check(RawMessage raw, HeaderField field, TagList tags, String domain, String selector) throws Failure {
        if (!"1".equals(tags.get("v").orElse(""))) throw new Failure(Verdict.PERMERROR, "v= is not 1");
        for (String t : List.of("a", "b", "bh", "d", "h", "s")) {
            if (tags.get(t).isEmpty()) throw new Failure(Verdict.PERMERROR, "no " + t + "= tag");
        }
        String a = tags.required("a");
        DkimAlgorithm algorithm = DkimAlgorithm.ofTag(a);
        if (algorithm == null) {
            throw new Failure(a.equalsIgnoreCase("rsa-sha1") ? Verdict.POLICY : Verdict.PERMERROR, "algorithm " + a + " not accepted");
        }
        List<String> signed = SignedData.names(tags.required("h"));
        if (signed.stream().noneMatch(n -> n.equalsIgnoreCase("from"))) throw new Failure(Verdict.PERMERROR, "From is not signed");
        String auid = tags.get("i").orElse("");
        if (!auid.isEmpty()) {
            String idomain = auid.substring(auid.indexOf('@') + 1).toLowerCase(Locale.ROOT);
            if (!idomain.equals(domain) && !idomain.endsWith("." + domain)) {
                throw new Failure(Verdict.PERMERROR, "i= is not within d=");
            }
        }
        if (!tags.get("q").orElse("dns/txt").equalsIgnoreCase("dns/txt")) throw new Failure(Verdict.PERMERROR, "q= is not dns/txt");
        String expires = tags.get("x").orElse("");
        if (!expires.isEmpty() && number(expires, "x") < Instant.now().getEpochSecond()) {
            throw new Failure(Verdict.PERMERROR, "signature expired");
        }
        String[] c = tags.get("c").orElse("simple/simple").toLowerCase(Locale.ROOT).split("/", 2);
        boolean relaxedHeader = canonicalization(c[0]);
        boolean relaxedBody = canonicalization(c.length > 1 ? c[1] : "simple");
        long length = tags.get("l").map(l -> number(l, "l")).orElse(-1L);
        byte[] body = raw.canonicalBody(relaxedBody);
        if (length > body.length) throw new Failure(Verdict.PERMERROR, "l= is longer than the body");

        byte[] bodyHash = decode(tags.required("bh"), "bh");
        if (!Arrays.equals(bodyHash, SignedData.bodyHash(body, length))) {
            throw new Failure(Verdict.FAIL, "body hash does not match");
        }
        PublicKey key = key(domain, selector, algorithm);
        byte[] data = SignedData.of(raw.headers(), signed, field, relaxedHeader);
        try {
            return algorithm.verify(key, data, decode(tags.required("b"), "b")) ? Verdict.PASS
                    : fail("signature does not verify");
        } catch (GeneralSecurityException e) {
            throw new Failure(Verdict.FAIL, "signature does not verify: " + e.getMessage());
        }
    }

    private static Verdict fail(String why) throws Failure {
        throw new Failure(Verdict.FAIL, why);
    }

    private PublicKey key(String domain, String selector, DkimAlgorithm algorithm) throws Failure {
        String name = selector + "._domainkey." + domain;
        DnsAnswer<String> answer;
        try {
            answer = dns.txt(name);
        } catch (DnsException e) {
            throw new Failure(Verdict.TEMPERROR, e.getMessage());
        }
        if (answer.records().isEmpty()) throw new Failure(Verdict.PERMERROR, "no key record at " + name);
        String text = answer.records().get(0);
        KeyRecord record = keys.get(name);
        if (record == null || !record.text().equals(text)) {
            record = KeyRecord.parse(name, text);
            if (keys.size() >= MAX_KEYS) keys.clear();
            keys.put(name, record);
        }
        return record.key(algorithm);
    }

    /**
     * A key record as parsed, kept with its text: the parse (base64, DER, the key's checks) is
     * done again only when DNS gives another text for the name. Which text is current is DNS's
     * answer each time, so a key changed in DNS is used as soon as the resolver's cache lets the
     * old record go (its TTL).
     *
     * @param text    the record as DNS gave it
     * @param broken  why the record is unusable whatever the signature's algorithm, or null
     * @param keyType its {@code k=} (default {@code rsa})
     * @param sha256  whether its {@code h=} allows SHA-256
     * @param key     the public key, or null when {@code unusable} says why not
     * @param unusable why there is no key (no {@code p=}, revoked, not a key, too short), checked after the algorithm
     */
    private record KeyRecord(String text, Failure broken, String keyType, boolean sha256, PublicKey key, Failure unusable) {

        static KeyRecord parse(String name, String text) {
            TagList record;
            try {
                record = TagList.parse(text);
            } catch (IllegalArgumentException e) {
                return broken(text, new Failure(Verdict.PERMERROR, "key record at " + name + ": " + e.getMessage()));
            }
            if (!record.get("v").orElse("DKIM1").equals("DKIM1")) {
                return broken(text, new Failure(Verdict.PERMERROR, "key record v= is not DKIM1"));
            }
            String keyType = record.get("k").orElse("rsa").toLowerCase(Locale.ROOT);
            String hashes = record.get("h").orElse("sha256");
            boolean sha256 = Arrays.stream(hashes.split(":")).anyMatch(h -> h.strip().equalsIgnoreCase("sha256"));
            try {
                String p = TagList.compact(record.get("p").orElseThrow(() -> new Failure(Verdict.PERMERROR, "key record has no p=")));
                if (p.isEmpty()) throw new Failure(Verdict.PERMERROR, "key revoked");
                PublicKey key;
                try {
                    key = DkimKeys.publicKey(keyType, decode(p, "p"));
                } catch (GeneralSecurityException e) {
                    throw new Failure(Verdict.PERMERROR, "key record at " + name + ": " + e.getMessage());
                }
                if (keyType.equals("rsa") && DkimKeys.rsaBits(key) < 1024) throw new Failure(Verdict.POLICY, "RSA key under 1024 bits");
                return new KeyRecord(text, null, keyType, sha256, key, null);
            } catch (Failure f) {
                return new KeyRecord(text, null, keyType, sha256, null, f);
            }
        }

        private static KeyRecord broken(String text, Failure why) {
            return new KeyRecord(text, why, "", false, null, null);
        }

        /** The key for a signature made with {@code algorithm}, checked in the order RFC 6376 3.6.1 lists the tags. */
        PublicKey key(DkimAlgorithm algorithm) throws Failure {
            if (broken != null) throw broken;
            if (!keyType.equals(algorithm.keyType())) throw new Failure(Verdict.PERMERROR, "key is k=" + keyType + ", signature a=" + algorithm.tag());
            if (!sha256) throw new Failure(Verdict.PERMERROR, "key record does not allow sha256");
            if (unusable != null) throw unusable;
            return key;
        }
    }

    private static boolean canonicalization(String name) throws Failure {
        return switch (name.strip()) {
            case "relaxed" -> true;
            case "simple" -> false;
            default -> throw new Failure(Verdict.PERMERROR, "unknown canonicalization " + name);
        };
    }

    private static byte[] decode(String base64, String tag) throws Failure {
        try {
            return Base64.getDecoder().decode(TagList.compact(base64));
        } catch (IllegalArgumentException e) {
            throw new Failure(Verdict.PERMERROR, tag + "= is not base64");
        }
    }

    private static long number(String value, String tag) {
        try {
            return Long.parseLong(value.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(tag + "= is not a number");
        }
    }

    private static Authentication.Dkim result(Verdict verdict, String domain, String selector, String why) {
        LOG.debug("DKIM signature d={} s={}: {} ({})", domain, selector, verdict.token(), why);
        return new Authentication.Dkim(verdict, domain, selector);
    }

    /** Why a signature did not pass. */
    private static final class Failure extends Exception {
        final Verdict verdict;

        Failure(Verdict verdict, String message) {
            super(message, null, false, false);
            this.verdict = verdict;
        }
    }
}
