package org.tubemail.internal.routing;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The index prefilter never loses a route that a plain scan of every regex would find. */
class RouteIndexTest {

    private static final Map<String, String> DEFAULTS = Map.of("host", "example\\.com");

    @Test
    void literalsJoinFixedCapturesAndLowerTheDomain() {
        assertEquals(List.of("-subscribe@example.com"),
                RoutePattern.compile("(list)-subscribe@(host)", Map.of(), DEFAULTS).literals());
        assertEquals(List.of("help@example.org"), RoutePattern.compile("help@Example.ORG", Map.of(), Map.of()).literals());
        assertEquals(List.of("@"), RoutePattern.compile("(a)@(b)", Map.of(), Map.of()).literals());
        assertEquals(List.of("list7-", "@example.com"),
                RoutePattern.compile("list7-(action)@(host)", Map.of(), DEFAULTS).literals());
        assertEquals(List.of("-", "@"), RoutePattern.compile("(a)-(b)@(host)", Map.of("a", "x+"), Map.of("host", "[a-z.]+")).literals());
    }

    @Test
    void patternCapturesAndAnchoring() {
        RoutePattern p = RoutePattern.compile("(list)-(action)@(host)", Map.of("action", "subscribe|confirm-[0-9]+"), DEFAULTS);
        assertEquals(Map.of("list", "dev-team", "action", "confirm-42", "host", "example.com"),
                p.match("dev-team-confirm-42@example.com"));
        assertNull(p.match("xdev-team-confirm-42@example.com.evil"));
        assertNull(p.match("dev-unsubscribe@example.com"));
        assertThrows(IllegalArgumentException.class, () -> RoutePattern.compile("(a)(a)@x", Map.of(), Map.of()));
    }

    @Test
    void indexAgreesWithLinearScanOnRandomRoutesAndAddresses() {
        Random rnd = new Random(7);
        String[] words = {"list", "dev", "ops", "help", "support", "a", "ab", "x-y", "confirm", "bounce"};
        List<RoutePattern> patterns = new ArrayList<>();
        List<List<String>> literals = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            String source = switch (rnd.nextInt(5)) {
                case 0 -> words[rnd.nextInt(words.length)] + i + "@(host)";
                case 1 -> "(list)-" + words[rnd.nextInt(words.length)] + "@(host)";
                case 2 -> words[rnd.nextInt(words.length)] + "-(id)@(host)";
                case 3 -> "(user)@" + words[rnd.nextInt(words.length)] + ".example.com";
                default -> "(a)@(host)";
            };
            RoutePattern p = RoutePattern.compile(source, Map.of(), rnd.nextBoolean() ? DEFAULTS : Map.of());
            patterns.add(p);
            literals.add(p.literals());
        }
        RouteIndex<RoutePattern> index = new RouteIndex<>(patterns, literals);
        int matched = 0;
        for (int n = 0; n < 5_000; n++) {
            String local = words[rnd.nextInt(words.length)] + (rnd.nextBoolean() ? String.valueOf(rnd.nextInt(300)) : "")
                    + (rnd.nextBoolean() ? "-" + words[rnd.nextInt(words.length)] : "");
            String domain = rnd.nextBoolean() ? "example.com" : words[rnd.nextInt(words.length)] + ".example.com";
            String address = local + "@" + domain;
            List<RoutePattern> expected = patterns.stream().filter(p -> p.match(address) != null).toList();
            List<RoutePattern> viaIndex = index.candidates(org.tubemail.internal.mail.Addresses.folded(address)).stream().filter(p -> p.match(address) != null).toList();
            assertEquals(expected, viaIndex, address);
            matched += expected.size();
        }
        assertTrue(matched > 5_000, "the random addresses should hit routes often: " + matched);
    }

    @Test
    void indexNarrowsCandidates() {
        List<RoutePattern> patterns = new ArrayList<>();
        List<List<String>> literals = new ArrayList<>();
        for (int i = 0; i < 1_000; i++) {
            RoutePattern p = RoutePattern.compile("list" + i + "-(action)@(host)", Map.of(), DEFAULTS);
            patterns.add(p);
            literals.add(p.literals());
        }
        RouteIndex<RoutePattern> index = new RouteIndex<>(patterns, literals);
        List<RoutePattern> c = index.candidates("list517-subscribe@example.com");
        assertTrue(c.size() <= 2, c.size() + " candidates, first " + c.get(0));
        assertTrue(c.contains(patterns.get(517)));
    }
}
