package org.tubemail.handler;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Names a handler module. The name is part of every stored state key, so giving one explicitly
 * keeps state valid when the class is renamed or moved. Without it the module's name is the
 * class's fully qualified name.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface Handler {

    /** The module name. */
    String value();
}
