package org.tubemail.web;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Tokens that prove a link was made by this server for exactly the given values (for example a
 * list and a member), without storing anything: an HMAC-SHA256 of the values under a secret key,
 * in URL-safe Base64. Verification compares in constant time. Anyone who knows the key can make
 * tokens, so keep it secret and stable (a new key invalidates every link sent before).
 */
public final class SignedTokens {

    private final byte[] key;

    /** Signs with {@code key}, which must have at least 16 bytes. */
    public SignedTokens(byte[] key) {
        if (key.length < 16) {
            throw new IllegalArgumentException("a signing key needs at least 16 bytes, not " + key.length);
        }
        this.key = key.clone();
    }

    /**
     * Signs with the key in {@code file}, made (32 random bytes, readable by the owner only) on
     * first use, so that links sent before a restart keep working.
     */
    public static SignedTokens withKeyFile(Path file) throws IOException {
        if (!Files.exists(file)) {
            Files.createDirectories(file.toAbsolutePath().getParent());
            byte[] key = new byte[32];
            new SecureRandom().nextBytes(key);
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.write(tmp, key);
            try {
                Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException e) {
                // not a POSIX file system: the folder's permissions apply
            }
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
        }
        return new SignedTokens(Files.readAllBytes(file));
    }

    /** The token for {@code values}, in this order. */
    public String sign(String... values) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            for (String v : values) {
                byte[] b = v.getBytes(StandardCharsets.UTF_8);
                mac.update((b.length + ":").getBytes(StandardCharsets.US_ASCII)); // no two value lists sign alike
                mac.update(b);
            }
            return Base64.getUrlEncoder().withoutPadding().encodeToString(mac.doFinal());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is missing from this Java runtime", e);
        }
    }

    /** Whether {@code token} is the token for {@code values}. */
    public boolean verify(String token, String... values) {
        if (token == null) {
            return false;
        }
        return MessageDigest.isEqual(sign(values).getBytes(StandardCharsets.US_ASCII), token.getBytes(StandardCharsets.US_ASCII));
    }
}
