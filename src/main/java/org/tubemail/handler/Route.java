package org.tubemail.handler;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Repeatable;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a handler method as a state method and gives the addresses it receives, e.g.
 * {@code @Route(value = "(list)-(action)@(host)", where = "action=subscribe|unsubscribe")}.
 *
 * <p>Each {@code (name)} is a named capture; its value is passed to the method parameter of the same
 * name. Text outside captures is literal (a {@code .} is a dot). A capture's regex comes from
 * {@link #where()}, else from the router's defaults, else {@code .+}. The pattern is anchored and
 * matches in any case, as people type addresses; captures arrive in lower case ({@link
 * org.tubemail.mail.MailRequest#to()} keeps the address as written). With {@link #exactCase()} the
 * local part must match exactly (the domain still matches in any case).
 *
 * <p>A method may carry several routes; its parameters must then be captures of every one of them.
 */
@Documented
@Repeatable(Routes.class)
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface Route {

    /** The address pattern. */
    String value();

    /** Capture regexes for this route only, each as {@code name=regex}. */
    String[] where() default {};

    /** Match the local part exactly, keeping the captures' case; {@code Router.Builder#exactCase} sets it for every route. */
    boolean exactCase() default false;
}
