package org.tubemail.support;

import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;
import org.tubemail.internal.crypto.CryptoProvider;

/**
 * Puts the JCA provider of this test run in place before any test, as a server's start-up does:
 * the native provider unless {@code -Dtubemail.crypto.provider=jdk} ({@code mvn test
 * -Dtubemail.crypto.provider=jdk} runs the whole suite on the JDK's providers). Registered in
 * {@code META-INF/services}.
 */
public final class CryptoSession implements LauncherSessionListener {

    @Override
    public void launcherSessionOpened(LauncherSession session) {
        CryptoProvider.use(OtherCryptoProvider.suiteMode());
    }
}
