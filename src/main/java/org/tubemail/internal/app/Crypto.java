package org.tubemail.internal.app;

import org.tubemail.internal.config.ConfigException;
import org.tubemail.internal.config.Settings;
import org.tubemail.internal.crypto.CryptoProvider;

import java.util.Locale;

/**
 * The {@code crypto.provider} setting: {@code native} (the default: Amazon Corretto Crypto Provider
 * when its native library loads and its self-tests pass, else the JDK's providers) or {@code jdk}.
 * The system property {@value CryptoProvider#PROPERTY} changes the default (a test run, JAVA_OPTS).
 */
public final class Crypto {

    private Crypto() {
    }

    /** The provider the settings ask for, checked. */
    public static CryptoProvider.Mode mode(Settings s) {
        String byDefault;
        try {
            byDefault = CryptoProvider.defaultMode().label();
        } catch (IllegalArgumentException e) {
            throw new ConfigException(e.getMessage(), e);
        }
        return CryptoProvider.Mode.valueOf(s.choice("crypto.provider", byDefault, "native", "jdk").toUpperCase(Locale.ROOT));
    }

    /** Puts the provider the settings ask for in place (process-wide) and says which one is in use. */
    public static CryptoProvider.InUse use(Settings s) {
        return CryptoProvider.use(mode(s));
    }
}
