package org.tubemail.spring.test;

import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.tubemail.handler.Relay;
import org.tubemail.internal.app.Assembly;
import org.tubemail.internal.config.Settings;
import org.tubemail.internal.routing.Router;
import org.tubemail.internal.state.StateStorage;
import org.tubemail.spring.TubemailAutoConfiguration;
import org.tubemail.testing.TestKit;

/**
 * The {@link TubemailTest} slice's beans: a {@link TestKit} whose storage, relay and router replace
 * Tubemail's defaults, so that handler beans send through the kit's capturing relay and
 * {@code kit.deliver(...)} routes to them. Routing settings ({@code tubemail.route.default.*},
 * {@code tubemail.handler.timeout.seconds}) apply as in the application.
 */
@AutoConfiguration(before = TubemailAutoConfiguration.class)
public class TubemailTestKitAutoConfiguration {

    /** The kit. */
    @Bean
    public TestKit tubemailTestKit() {
        return new TestKit();
    }

    /** The kit's memory storage. */
    @Bean
    public StateStorage tubemailStateStorage(TestKit kit) {
        return kit.storage();
    }

    /** The kit's capturing relay. */
    @Bean
    public Relay tubemailRelay(TestKit kit) {
        return kit.relay();
    }

    /** The kit's router, over the {@code @Route} beans. */
    @Bean
    public Router tubemailRouter(TestKit kit, Settings settings, ListableBeanFactory beans) {
        kit.router(b -> TubemailAutoConfiguration.withRouteBeans(new Assembly(settings).routing(b), beans));
        return kit.router();
    }
}
