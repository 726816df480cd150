package org.tubemail.internal.dkim;

import org.junit.jupiter.api.extension.ExtendWith;
import org.tubemail.support.OtherCryptoProvider;

/** {@link DkimTest} again on the JCA provider the rest of the suite does not use (signing and verifying against dkimpy). */
@ExtendWith(OtherCryptoProvider.class)
class DkimOnOtherProviderTest extends DkimTest {
}
