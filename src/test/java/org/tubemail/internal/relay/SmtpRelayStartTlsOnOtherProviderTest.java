package org.tubemail.internal.relay;

import org.junit.jupiter.api.extension.ExtendWith;
import org.tubemail.support.OtherCryptoProvider;

/** {@link SmtpRelayStartTlsTest} again on the JCA provider the rest of the suite does not use (the relay's client-side STARTTLS). */
@ExtendWith(OtherCryptoProvider.class)
class SmtpRelayStartTlsOnOtherProviderTest extends SmtpRelayStartTlsTest {
}
