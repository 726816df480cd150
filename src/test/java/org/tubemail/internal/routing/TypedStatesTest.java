package org.tubemail.internal.routing;

import org.junit.jupiter.api.Test;
import org.tubemail.handler.Route;
import org.tubemail.handler.RouteLike;
import org.tubemail.handler.Stateless;
import org.tubemail.mail.MailRequest;
import org.tubemail.testing.TestKit;
import org.tubemail.testing.TestMail;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** States as an enum of the module: returned and checked at load time, and drawn. */
class TypedStatesTest {

    /** A sign-up flow with typed states: START, then CONFIRMING, then MEMBER. */
    static class Signup {
        enum State { START, CONFIRMING, MEMBER }

        @Route("join@(host)")
        public State START(MailRequest msg) {
            return State.CONFIRMING;
        }

        @Route("join-confirm@(host)")
        public State CONFIRMING(MailRequest msg) {
            return msg.subject().contains("yes") ? State.MEMBER : State.START;
        }

        @RouteLike("START")
        public void MEMBER(MailRequest msg) {
        }
    }

    private static Router router(Object handler) {
        return Router.builder().defaultCapture("host", "example\\.com").handlers(handler).build();
    }

    private static String loadError(Object handler) {
        return assertThrows(HandlerDefinitionException.class, () -> router(handler)).getMessage();
    }

    @Test
    void enumStatesAreStoredByName() {
        TestKit kit = new TestKit();
        kit.router(r -> r.defaultCapture("host", "example\\.com").handlers(new Signup()));
        kit.deliver(TestMail.from("bob@example.org").to("join@example.com").subject("hi"));
        kit.assertState(Signup.class, "bob@example.org", "CONFIRMING");
        kit.deliver(TestMail.from("bob@example.org").to("join-confirm@example.com").subject("yes"));
        kit.assertState(Signup.class, "bob@example.org", "MEMBER");
    }

    @Test
    void theGraphHasAnArrowForEveryStateAMethodMayReturn() {
        HandlerModule module = router(new Signup()).modules().get(0);
        StateGraph graph = StateGraph.of(module);
        assertEquals(List.of("START", "CONFIRMING", "MEMBER"), graph.states());
        assertEquals("""
                stateDiagram-v2
                    [*] --> START
                    START --> CONFIRMING : join@(host)
                    CONFIRMING --> START : join-confirm@(host)
                    CONFIRMING --> MEMBER : join-confirm@(host)
                """, graph.mermaid());
    }

    static class MissingMethod {
        enum State { START, WAITING, DONE }

        @Route("a@(host)")
        public State START() {
            return State.WAITING;
        }

        @Route("b@(host)")
        public State WAITING() {
            return State.DONE;
        }
    }

    @Test
    void aStateAMethodMayReturnButNoMethodHandlesStopsTheLoad() {
        String e = loadError(new MissingMethod());
        assertTrue(e.contains("MissingMethod.WAITING may return State.DONE, which no method of"), e);
        assertTrue(e.contains("add a method DONE"), e);
    }

    static class StrayName {
        enum State { START, WAITING }

        @Route("a@(host)")
        public State START() {
            return State.WAITING;
        }

        @Route("b@(host)")
        public State WIATING() {
            return State.START;
        }
    }

    @Test
    void aMethodWhoseNameIsNoStateOfTheEnumStopsTheLoad() {
        String e = loadError(new StrayName());
        assertTrue(e.contains(StrayName.class.getName() + ".WIATING"), e);
        assertTrue(e.contains("its state 'WIATING' is not a constant of"), e);
    }

    static class TwoEnums {
        enum A { START }
        enum B { START }

        @Route("a@(host)")
        public A START() {
            return A.START;
        }

        @Route("b@(host)")
        @Stateless
        public B other() {
            return B.START;
        }
    }

    @Test
    void aModuleHasOneStateEnum() {
        assertTrue(loadError(new TwoEnums()).contains("a module's states are one enum"));
    }

    /** String states keep working, and are drawn from the names the code holds. */
    static class Strings {
        @Route("s@(host)")
        public String START(MailRequest msg) {
            return msg.subject().equals("go") ? "GOING" : null;
        }

        @Route("t@(host)")
        public String GOING() {
            return "START";
        }
    }

    @Test
    void stringStatesAreDrawnToo() {
        StateGraph graph = StateGraph.of(router(new Strings()).modules().get(0));
        assertEquals(List.of(new StateGraph.Transition("START", "GOING", List.of("s@(host)")),
                new StateGraph.Transition("GOING", "START", List.of("t@(host)"))), graph.transitions());
    }
}
