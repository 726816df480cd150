package org.tubemail.routing;

import java.util.Arrays;
import java.util.List;

import org.tubemail.mail.Authentication;
import org.tubemail.mail.MailRequest;

/** The rule of one {@link Authenticated}: which checks count, and how strictly domains must align. */
record AuthRule(boolean bySpf, boolean byDkim, boolean strict) {

    /** The rule a method obeys: its own annotation, else its module's, else none (null). */
    static AuthRule of(java.lang.reflect.Method method, Class<?> module) {
        Authenticated a = method.getAnnotation(Authenticated.class);
        if (a == null) a = module.getAnnotation(Authenticated.class);
        if (a == null) return null;
        List<Authenticated.By> by = Arrays.asList(a.by());
        return new AuthRule(by.contains(Authenticated.By.SPF), by.contains(Authenticated.By.DKIM), a.strict());
    }

    /** Whether {@code request}'s envelope sender is authenticated under this rule. */
    boolean admits(MailRequest request) {
        return !request.from().isEmpty()
                && request.authentication().authenticatedDomain(request.from(), bySpf, byDkim, strict).isPresent();
    }

    /** Why {@code request} is refused, for the undeliverable queue and the SMTP reply. */
    String refusal(MailRequest request, StateMethod method) {
        Authentication auth = request.authentication();
        return method.qualifiedName() + " accepts only authenticated senders and <" + request.from()
                + "> is not (" + (auth.equals(Authentication.NONE) ? "no checks ran" : auth.summary()) + ")";
    }
}
