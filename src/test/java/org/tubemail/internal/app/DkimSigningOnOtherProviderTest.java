package org.tubemail.internal.app;

import org.junit.jupiter.api.extension.ExtendWith;
import org.tubemail.support.OtherCryptoProvider;

/** {@link DkimSigningTest} again on the JCA provider the rest of the suite does not use (the relays' DKIM signatures, verified by dkimpy). */
@ExtendWith(OtherCryptoProvider.class)
class DkimSigningOnOtherProviderTest extends DkimSigningTest {
}
