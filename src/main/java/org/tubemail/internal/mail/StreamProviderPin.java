package org.tubemail.internal.mail;

/**
 * Names jakarta.mail's {@code StreamProvider} in the system property that jakarta.mail checks before
 * anything else.
 *
 * <p>jakarta.mail 2.1 looks the provider up again on every header block it parses, and without the
 * property each lookup walks {@code ServiceLoader} over every jar on the class path
 * (jakartaee/mail-api#861). In Tubemail's SMTP benchmark that was a quarter of the server's sampled
 * CPU. With the property set, a lookup is a class lookup by name. A value already set, by the user
 * or a container, is left alone.
 */
public final class StreamProviderPin {

    static final String PROPERTY = "jakarta.mail.util.StreamProvider";
    static final String ANGUS = "org.eclipse.angus.mail.util.MailStreamProvider";

    private StreamProviderPin() {
    }

    /** Sets the property to Angus Mail's provider unless it is set already. Safe to call repeatedly. */
    public static void install() {
        if (System.getProperty(PROPERTY) == null) {
            System.setProperty(PROPERTY, ANGUS);
        }
    }
}
