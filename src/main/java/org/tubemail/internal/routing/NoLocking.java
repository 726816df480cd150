package org.tubemail.internal.routing;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A state method that runs without holding its state key's lock, so several messages for one key
 * may run it at once. Use it for slow, idempotent work whose order does not matter; the state
 * change it returns is still stored.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface NoLocking {
}
