package org.tubemail.spring.test;

import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.test.autoconfigure.OverrideAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTestContextBootstrapper;
import org.springframework.test.context.BootstrapWith;
import org.springframework.test.context.junit.jupiter.SpringExtension;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A test slice for handler beans: the application's {@code @Route} beans only (other components are
 * not scanned; {@code @Import} or mock what they need), Tubemail's auto-configuration over the
 * in-memory {@link org.tubemail.testing.TestKit} (memory storage, capturing relay, in-memory
 * undeliverable queue), and no receiver, so no port and no network. Inject the {@code TestKit} and
 * deliver mail with it:
 *
 * <pre>{@code
 * @TubemailTest
 * class SignupHandlerTest {
 *     @Autowired TestKit kit;
 *     @Test void confirms() {
 *         kit.deliver(TestMail.from("bob@example.org").to("join@localhost"));
 *         kit.assertState(SignupHandler.class, "bob@example.org", "CONFIRMING");
 *     }
 * }
 * }</pre>
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@BootstrapWith(SpringBootTestContextBootstrapper.class)
@ExtendWith(SpringExtension.class)
@OverrideAutoConfiguration(enabled = false)
@TubemailTypeExcludes
@ImportAutoConfiguration
public @interface TubemailTest {
}
