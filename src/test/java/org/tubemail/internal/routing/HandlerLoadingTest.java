package org.tubemail.internal.routing;

import org.junit.jupiter.api.Test;
import org.tubemail.handler.Handler;
import org.tubemail.handler.Route;
import org.tubemail.handler.RouteLike;
import org.tubemail.handler.State;
import org.tubemail.mail.MailRequest;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Bad handler classes fail when the router is built, with a message naming class and method. */
class HandlerLoadingTest {

    private static String loadError(Object handler) {
        HandlerDefinitionException e = assertThrows(HandlerDefinitionException.class,
                () -> Router.builder().defaultCapture("host", "example\\.com").handlers(handler).build());
        return e.getMessage();
    }

    private static void assertMentions(String message, String... parts) {
        for (String p : parts) {
            assertTrue(message.contains(p), "'" + message + "' should mention '" + p + "'");
        }
    }

    static class UnknownCapture {
        @Route(value = "(list)@(host)", where = "lsit=[a-z]+")
        public void START(String list) {
        }
    }

    @Test
    void whereNamingAnUnknownCapture() {
        assertMentions(loadError(new UnknownCapture()), UnknownCapture.class.getName() + ".START", "lsit", "[list, host]");
    }

    static class SameState {
        @Route("a@(host)")
        public void START() {
        }

        @Route("b@(host)")
        @State("START")
        public void alsoStart() {
        }
    }

    @Test
    void twoMethodsClaimingOneState() {
        assertMentions(loadError(new SameState()), SameState.class.getName() + ".", "START", "already handled by");
    }

    static class MissingCapture {
        @Route("(list)@(host)")
        public void START(MailRequest msg, String lsit) {
        }
    }

    @Test
    void parameterWithNoMatchingCapture() {
        assertMentions(loadError(new MissingCapture()), MissingCapture.class.getName() + ".START", "'lsit'", "no matching capture");
    }

    static class BadRegex {
        @Route(value = "(list)@(host)", where = "list=[a-z")
        public void START() {
        }
    }

    @Test
    void invalidCaptureRegex() {
        assertMentions(loadError(new BadRegex()), BadRegex.class.getName() + ".START", "(list)", "invalid regex");
    }

    static class BadPattern {
        @Route("(list@(host)")
        public void START() {
        }
    }

    @Test
    void malformedPattern() {
        assertMentions(loadError(new BadPattern()), BadPattern.class.getName() + ".START", "invalid capture name");
    }

    static class NoStart {
        @Route("a@(host)")
        public void WAITING() {
        }
    }

    @Test
    void statefulModuleWithoutStart() {
        assertMentions(loadError(new NoStart()), NoStart.class.getName(), "START");
    }

    static class BadLike {
        @RouteLike("NOPE")
        public void START() {
        }
    }

    @Test
    void routeLikeNamingNoMethod() {
        assertMentions(loadError(new BadLike()), BadLike.class.getName() + ".START", "NOPE");
    }

    static class BadParameterType {
        @Route("a@(host)")
        public void START(Integer count) {
        }
    }

    @Test
    void unsupportedParameterType() {
        assertMentions(loadError(new BadParameterType()), BadParameterType.class.getName() + ".START", "Integer");
    }

    static class BadReturn {
        @Route("a@(host)")
        public int START() {
            return 1;
        }
    }

    @Test
    void unsupportedReturnType() {
        assertMentions(loadError(new BadReturn()), BadReturn.class.getName() + ".START", "returns the next state (an enum constant or a String) or void");
    }

    static class NoRoutes {
        public void START() {
        }
    }

    @Test
    void classWithoutRoutes() {
        assertMentions(loadError(new NoRoutes()), NoRoutes.class.getName(), "@Route");
    }

    @Handler("same")
    static class NamedA {
        @Route("a@(host)")
        public void START() {
        }
    }

    @Handler("same")
    static class NamedB {
        @Route("b@(host)")
        public void START() {
        }
    }

    @Test
    void twoModulesWithOneName() {
        HandlerDefinitionException e = assertThrows(HandlerDefinitionException.class,
                () -> Router.builder().handlers(new NamedA(), new NamedB()).build());
        assertMentions(e.getMessage(), NamedB.class.getName(), "'same'", NamedA.class.getName());
    }
}
