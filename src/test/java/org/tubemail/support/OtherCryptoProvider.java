package org.tubemail.support;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.tubemail.internal.crypto.CryptoProvider;

/**
 * Runs a test class on the JCA provider that the rest of the suite does not use: the JDK's when the
 * suite runs on the native one (the default), the native one under {@code -Dtubemail.crypto.provider=jdk}.
 * A subclass of a TLS or DKIM test class with {@code @ExtendWith(OtherCryptoProvider.class)} runs
 * all of its tests again that way, so that every run covers both providers. The system property is
 * switched too, so that servers the tests build ({@code crypto.provider} unset) take the same one.
 */
public final class OtherCryptoProvider implements BeforeAllCallback, AfterAllCallback {

    private String saved;

    /** The provider the suite runs on: {@code -Dtubemail.crypto.provider}, native by default. */
    public static CryptoProvider.Mode suiteMode() {
        return CryptoProvider.defaultMode();
    }

    /** The provider this extension runs its class on. */
    public static CryptoProvider.Mode otherMode() {
        return suiteMode() == CryptoProvider.Mode.NATIVE ? CryptoProvider.Mode.JDK : CryptoProvider.Mode.NATIVE;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        CryptoProvider.Mode other = otherMode();
        saved = System.getProperty(CryptoProvider.PROPERTY);
        System.setProperty(CryptoProvider.PROPERTY, other.label());
        CryptoProvider.InUse inUse = CryptoProvider.use(other);
        if (other == CryptoProvider.Mode.NATIVE && !inUse.isNative()) {
            String why = "the native provider does not load here, so this class would run on the JDK's again: " + inUse.reason();
            if ("1".equals(System.getenv("TUBEMAIL_REQUIRE_REAL_PARTS"))) {
                Assertions.fail(why);
            }
            Assumptions.abort(why);
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (saved == null) {
            System.clearProperty(CryptoProvider.PROPERTY);
        } else {
            System.setProperty(CryptoProvider.PROPERTY, saved);
        }
        CryptoProvider.use(suiteMode());
    }
}
