package org.tubemail.handler;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Sends bounces that reach a state method to other methods of the module, by kind, so that the
 * module never parses a bounce itself (Salmon's {@code @bounce_to(soft=..., hard=...)}):
 *
 * <pre>{@code
 * @Route("(list)-bounce-(member)@(host)")
 * @BounceTo(hard = "memberGone", soft = "memberAway")
 * public String START(MailRequest msg, String list, String member) { ... }   // mail that is no bounce
 *
 * String memberGone(MailRequest msg, Bounce bounce, String list, String member) { ... }
 * String memberAway(MailRequest msg, Bounce bounce, String list, String member) { ... }
 * }</pre>
 *
 * <p>A message whose {@link org.tubemail.mail.MailRequest#bounce()} is a hard bounce calls
 * {@link #hard()} instead of the annotated method, a soft one {@link #soft()}; anything else calls
 * the annotated method. The targets are methods of the same class, by name (one method per name,
 * with no route of their own); they take the annotated method's kinds of parameters, plus
 * {@link org.tubemail.mail.Bounce}, and what they return is the next state, as if the annotated
 * method had returned it. An empty name leaves that kind with the annotated method. Checked when
 * the handler loads.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface BounceTo {

    /** The method for hard bounces, {@code ""} for the annotated method. */
    String hard() default "";

    /** The method for soft bounces, {@code ""} for the annotated method. */
    String soft() default "";
}
