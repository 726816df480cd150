package org.tubemail.spring.slice;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;
import org.tubemail.spring.TubemailReceivers;
import org.tubemail.spring.test.TubemailTest;
import org.tubemail.testing.TestKit;
import org.tubemail.testing.TestMail;

import static org.assertj.core.api.Assertions.assertThat;

/** The slice under the Spring Boot version this build is for (3 by default, 4 with -Pboot4). */
@TubemailTest
class TubemailTestSliceTest {

    @Autowired
    TestKit kit;

    @Autowired
    ApplicationContext context;

    @Test
    void onlyHandlersOverTheTestKitAndNoReceiver() {
        kit.deliver(TestMail.from("bob@example.org").to("hello@localhost"));
        kit.assertState(Greeter.class, "bob@example.org", "GREETED");
        assertThat(context.getBeansOfType(TubemailReceivers.class)).isEmpty();
        assertThat(context.getBeansOfType(Unrelated.class)).isEmpty();
    }
}
