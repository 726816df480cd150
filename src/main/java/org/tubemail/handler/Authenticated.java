package org.tubemail.handler;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A handler module (on the class) or a single state method that runs only for mail whose envelope
 * sender ({@code MAIL FROM}, the default state key) is authenticated: by default SPF passed for
 * the sender's domain, or a DKIM signature of that domain verified, where "that domain" means the
 * same organisational domain (relaxed alignment, as DMARC counts it). Mail that fails never runs
 * the method, never changes the module's state, and goes to the undeliverable queue with the
 * verdicts as the reason (or is refused at the end of {@code DATA} with {@code 550 5.7.26} when
 * {@code receiver.auth.reject} is set). Verdicts come from the SMTP receiver's checks
 * ({@code receiver.auth.checks=true}); without them no sender is authenticated.
 */
@Documented
@Inherited
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
public @interface Authenticated {

    /** Which passing checks authenticate the sender (both by default; {@code DKIM} alone survives forwarding). */
    By[] by() default {By.SPF, By.DKIM};

    /** Strict alignment: the domain that passed must be the sender's domain itself, not just share its organisational domain. */
    boolean strict() default false;

    /**
     * Demands that the {@code From:} header, what readers see, names the authenticated domain too: its
     * one address's domain must be aligned with the domain that passed (the same organisational
     * domain, as DMARC's relaxed alignment; the very same domain when {@link #strict}). A member
     * authenticated by their envelope sender who writes {@code From: alice@victim.test} is then
     * refused like an unauthenticated sender, whatever {@code receiver.dmarc.enforce} says.
     */
    boolean fromAligned() default false;

    /** A check that can authenticate a sender. */
    enum By {
        /** SPF passed for the {@code MAIL FROM} domain. */
        SPF,
        /** A DKIM signature verified whose {@code d=} is aligned with the sender's domain. */
        DKIM
    }
}
