package org.tubemail.spring.slice;

import org.springframework.stereotype.Component;

/** Not a handler: {@code @TubemailTest} must not build it. */
@Component
public class Unrelated {
    public Unrelated() {
        throw new IllegalStateException("the slice built a component that has no @Route method");
    }
}
