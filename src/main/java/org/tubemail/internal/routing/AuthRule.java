package org.tubemail.internal.routing;

import jakarta.mail.internet.InternetAddress;
import org.tubemail.handler.Authenticated;
import org.tubemail.internal.mail.Addresses;
import org.tubemail.internal.mail.OrganizationalDomain;
import org.tubemail.mail.Authentication;
import org.tubemail.mail.MailRequest;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The rule of one {@link Authenticated}: which checks count, how strictly domains must align, and
 * whether the {@code From:} header must be aligned with the authenticated domain too.
 */
record AuthRule(boolean bySpf, boolean byDkim, boolean strict, boolean fromAligned) {

    /** The rule a method obeys: its own annotation, else its module's, else none (null). */
    static AuthRule of(java.lang.reflect.Method method, Class<?> module) {
        Authenticated a = method.getAnnotation(Authenticated.class);
        if (a == null) a = module.getAnnotation(Authenticated.class);
        if (a == null) return null;
        List<Authenticated.By> by = Arrays.asList(a.by());
        return new AuthRule(by.contains(Authenticated.By.SPF), by.contains(Authenticated.By.DKIM), a.strict(), a.fromAligned());
    }

    /** Whether {@code request}'s envelope sender is authenticated under this rule (and its {@code From:} aligned, when demanded). */
    boolean admits(MailRequest request) {
        Optional<String> domain = authenticated(request);
        return domain.isPresent() && (!fromAligned || fromAligned(request, domain.get()));
    }

    private Optional<String> authenticated(MailRequest request) {
        return request.from().isEmpty() ? Optional.empty()
                : request.authentication().authenticatedDomain(request.from(), bySpf, byDkim, strict);
    }

    /** Whether the {@code From:} header holds one address, of a domain aligned with {@code domain}. */
    private boolean fromAligned(MailRequest request, String domain) {
        List<InternetAddress> from = request.fromHeader();
        return from.size() == 1 && OrganizationalDomain.aligned(domain, Addresses.domain(String.valueOf(from.get(0).getAddress())), strict);
    }

    /** Why {@code request} is refused, for the undeliverable queue and the SMTP reply. */
    String refusal(MailRequest request, StateMethod method) {
        Authentication auth = request.authentication();
        Optional<String> domain = authenticated(request);
        if (domain.isPresent()) {
            List<InternetAddress> from = request.fromHeader();
            return method.qualifiedName() + " accepts only mail whose From: is the authenticated domain's, and From: "
                    + (from.isEmpty() ? "is missing" : from.size() > 1 ? "names " + from.size() + " authors"
                    : "<" + from.get(0).getAddress() + "> is not aligned with " + domain.get()) + " (" + auth.summary() + ")";
        }
        return method.qualifiedName() + " accepts only authenticated senders and <" + request.from()
                + "> is not (" + (auth.equals(Authentication.NONE) ? "no checks ran" : auth.summary()) + ")";
    }
}
