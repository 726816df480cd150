package org.tubemail.examples.spring;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Import;
import org.tubemail.spring.TubemailReceivers;
import org.tubemail.spring.test.TubemailTest;
import org.tubemail.testing.TestKit;
import org.tubemail.testing.TestMail;

import static org.assertj.core.api.Assertions.assertThat;

/** The handler bean in the {@code @TubemailTest} slice: the in-memory test kit, no receiver, no network. */
@TubemailTest
@Import(WelcomeText.class)
class SignupHandlerTest {

    @Autowired
    TestKit kit;

    @Autowired
    ApplicationContext context;

    @Test
    void asksForConfirmationThenWelcomesThenRemembers() {
        kit.deliver(TestMail.from("bob@example.org").to("join@localhost").subject("hi"));
        kit.assertState(SignupHandler.class, "bob@example.org", "CONFIRMING");
        assertThat(kit.relay().lastTo("bob@example.org").subject()).isEqualTo("Re: hi");

        kit.deliver(TestMail.from("bob@example.org").to("join@localhost").subject("Re: hi"));
        kit.assertState(SignupHandler.class, "bob@example.org", "MEMBER");
        assertThat(kit.relay().lastTo("bob@example.org").text()).contains("Confirmed: welcome to the Tubemail example community.");
    }

    @Test
    void theSliceStartsNoReceiverAndScansOnlyHandlers() {
        assertThat(context.getBeansOfType(TubemailReceivers.class)).isEmpty();
        assertThat(context.getBeanNamesForType(SignupApplication.class)).hasSize(1);
        assertThat(context.getBean(SignupHandler.class)).isNotNull();
    }
}
