package org.tubemail.examples.spring;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/** The texts of the sign-up replies; an ordinary Spring bean the handler depends on. */
@Component
public class WelcomeText {

    private final String community;

    public WelcomeText(@Value("${signup.community:the community}") String community) {
        this.community = community;
    }

    String askToConfirm() {
        return "Thanks for writing to " + community + ". Reply to this message to confirm that you want to join.";
    }

    String welcome() {
        return "Confirmed: welcome to " + community + ".";
    }

    String alreadyMember() {
        return "You are already a member of " + community + ".";
    }
}
