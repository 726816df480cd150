package org.tubemail.spring.slice;

import org.springframework.boot.autoconfigure.SpringBootApplication;

/** An application for the slice test: {@link Greeter}, a handler, and {@link Unrelated}, which the slice must leave out. */
@SpringBootApplication
public class SliceApplication {
}
