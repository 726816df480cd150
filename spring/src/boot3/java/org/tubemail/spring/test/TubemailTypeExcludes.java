package org.tubemail.spring.test;

import org.springframework.boot.test.autoconfigure.filter.TypeExcludeFilters;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** {@link TubemailTest}'s component filter, under Spring Boot 3's name for the annotation that sets it. */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@TypeExcludeFilters(TubemailTypeExcludeFilter.class)
public @interface TubemailTypeExcludes {
}
