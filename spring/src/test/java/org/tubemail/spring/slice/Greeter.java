package org.tubemail.spring.slice;

import org.springframework.stereotype.Component;
import org.tubemail.handler.Route;
import org.tubemail.mail.MailRequest;

/** A handler: scanned by {@code @TubemailTest}. */
@Component
public class Greeter {
    @Route("hello@(host)")
    public String START(MailRequest msg, String host) {
        return "GREETED";
    }

    @Route("hello@(host)")
    public String GREETED(MailRequest msg, String host) {
        return "GREETED";
    }
}
