package org.tubemail.internal.app;

import org.junit.jupiter.api.extension.ExtendWith;
import org.tubemail.support.OtherCryptoProvider;

/** {@link StartTlsClientsTest} again on the JCA provider the rest of the suite does not use (swaks and Python's smtplib over STARTTLS). */
@ExtendWith(OtherCryptoProvider.class)
class StartTlsClientsOnOtherProviderTest extends StartTlsClientsTest {
}
