package org.tubemail.testing;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The README's test kit example, kept compiling and passing here. */
class GreeterTest {

    @Test
    void greetsOnceThenRemembers() {
        TestKit kit = new TestKit();
        kit.router(r -> r.defaultCapture("host", "example\\.com").handlers(new Greeter(kit.relay())));

        kit.deliver(TestMail.from("bob@example.org").to("hello@example.com").subject("hi"));
        kit.assertState(Greeter.class, "bob@example.org", "GREETED");
        assertEquals("Re: hi", kit.relay().lastTo("bob@example.org").subject());
        assertEquals("Nice to meet you.", kit.relay().lastTo("bob@example.org").text().trim());

        kit.deliver(TestMail.from("bob@example.org").to("hello@example.com").subject("hi again"));
        assertEquals("Hello again.", kit.relay().lastTo("bob@example.org").text().trim());
        kit.assertUndeliverable(0);
    }

    @Test
    void kitAssertionsFailWithReadableMessages() {
        TestKit kit = new TestKit();
        kit.router(r -> r.defaultCapture("host", "example\\.com").handlers(new Greeter(kit.relay())));
        AssertionError wrongState = org.junit.jupiter.api.Assertions.assertThrows(AssertionError.class,
                () -> kit.assertState(Greeter.class, "bob@example.org", "GREETED"));
        assertEquals("Greeter for <bob@example.org>: expected state GREETED but was START", wrongState.getMessage());
        AssertionError nothingSent = org.junit.jupiter.api.Assertions.assertThrows(AssertionError.class,
                () -> kit.relay().lastTo("bob@example.org"));
        assertEquals("nothing was relayed to <bob@example.org>; relayed: []", nothingSent.getMessage());
    }
}
