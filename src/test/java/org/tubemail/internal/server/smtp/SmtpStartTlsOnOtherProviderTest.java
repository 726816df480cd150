package org.tubemail.internal.server.smtp;

import org.junit.jupiter.api.extension.ExtendWith;
import org.tubemail.support.OtherCryptoProvider;

/** {@link SmtpStartTlsTest} again on the JCA provider the rest of the suite does not use (the server's STARTTLS handshakes). */
@ExtendWith(OtherCryptoProvider.class)
class SmtpStartTlsOnOtherProviderTest extends SmtpStartTlsTest {
}
