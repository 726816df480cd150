package org.tubemail.internal.routing;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Binds a parameter to a route capture by name. Needed only when the class is compiled without
 * {@code -parameters}; otherwise the parameter's own name is used.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.PARAMETER)
public @interface Capture {

    /** The capture's name. */
    String value();
}
