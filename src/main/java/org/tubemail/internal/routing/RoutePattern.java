package org.tubemail.internal.routing;

import org.tubemail.internal.mail.Addresses;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * A compiled route: the address pattern with its captures resolved to regexes, plus the literal
 * text that every matching address must contain (used by {@link RouteIndex}).
 *
 * <p>By default a route matches case-insensitively and is matched against the {@linkplain
 * Addresses#folded folded} (lower-case) address, so its captures arrive in lower case, as Salmon
 * hands them. An exact route matches the local part exactly and the domain in any case (the
 * domain's captures are lower case).
 */
public final class RoutePattern {

    private static final Pattern CAPTURE_NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_]*");
    /** A regex that can only match one fixed text: letters, digits, a few safe symbols and escaped dots. */
    private static final Pattern FIXED_REGEX = Pattern.compile("(?:[A-Za-z0-9_-]|\\\\[.+-])+");

    /** Internal group names g0, g1, ... (Java group names allow no underscore, capture names do). */
    private static final String[] GROUPS = java.util.stream.IntStream.range(0, 64).mapToObj(i -> "g" + i).toArray(String[]::new);

    private final String source;
    private final List<String> captureNames;
    private final Map<String, String> captureRegexes;
    private final Pattern regex;
    private final List<String> literals;
    private final boolean exactCase;

    private RoutePattern(String source, List<String> names, Map<String, String> regexes, Pattern regex, List<String> literals,
                         boolean exactCase) {
        this.source = source;
        this.exactCase = exactCase;
        this.captureNames = List.copyOf(names);
        this.captureRegexes = Map.copyOf(regexes);
        this.regex = regex;
        this.literals = List.copyOf(literals);
    }

    /** Compiles {@code source} as a case-insensitive route; see {@link #compile(String, Map, Map, boolean)}. */
    public static RoutePattern compile(String source, Map<String, String> where, Map<String, String> defaults) {
        return compile(source, where, defaults, false);
    }

    /**
     * Compiles {@code source}.
     *
     * @param where     this route's capture regexes by name
     * @param defaults  the router-wide capture regexes by name
     * @param exactCase match the local part exactly instead of in any case
     * @throws IllegalArgumentException with a readable reason when the pattern or a regex is invalid,
     *                                  or {@code where} names a capture the pattern lacks
     */
    public static RoutePattern compile(String source, Map<String, String> where, Map<String, String> defaults, boolean exactCase) {
        List<Object> parts = split(source);
        List<String> names = new ArrayList<>();
        for (Object p : parts) {
            if (p instanceof CaptureRef c) {
                if (names.contains(c.name())) {
                    throw new IllegalArgumentException("capture (" + c.name() + ") appears twice in route '" + source + "'");
                }
                names.add(c.name());
            }
        }
        if (names.size() > GROUPS.length) {
            throw new IllegalArgumentException("route '" + source + "' has more than " + GROUPS.length + " captures");
        }
        for (String w : where.keySet()) {
            if (!names.contains(w)) {
                throw new IllegalArgumentException("where names capture '" + w + "', but route '" + source
                        + "' has no (" + w + "); its captures are " + names);
            }
        }
        int at = lastLiteralAt(parts);
        Map<String, String> regexes = new LinkedHashMap<>();
        StringBuilder re = new StringBuilder("^");
        List<String> runs = new ArrayList<>();
        StringBuilder run = new StringBuilder();
        for (int i = 0; i < parts.size(); i++) {
            Object p = parts.get(i);
            boolean inDomain = at >= 0 && i > at || (i == at);
            String fixed;
            if (p instanceof CaptureRef c) {
                String r = where.getOrDefault(c.name(), defaults.getOrDefault(c.name(), ".+"));
                checkRegex(source, c.name(), r);
                regexes.put(c.name(), r);
                String body = inDomain ? "(?i:" + r + ")" : r;
                re.append("(?<g").append(names.indexOf(c.name())).append('>').append(body).append(')');
                fixed = FIXED_REGEX.matcher(r).matches() ? r.replaceAll("\\\\(.)", "$1") : null;
            } else {
                String lit = (String) p;
                if (i == at) {
                    int cut = lit.lastIndexOf('@');
                    re.append(Pattern.quote(lit.substring(0, cut + 1)));
                    if (cut + 1 < lit.length()) {
                        re.append("(?i:").append(Pattern.quote(lit.substring(cut + 1))).append(')');
                    }
                    fixed = lit.substring(0, cut + 1) + lit.substring(cut + 1).toLowerCase(Locale.ROOT);
                } else {
                    re.append(inDomain ? "(?i:" + Pattern.quote(lit) + ")" : Pattern.quote(lit));
                    fixed = inDomain ? lit.toLowerCase(Locale.ROOT) : lit;
                }
            }
            if (fixed == null) {
                endRun(run, runs);
            } else {
                run.append(inDomain && p instanceof CaptureRef ? fixed.toLowerCase(Locale.ROOT) : fixed);
            }
        }
        endRun(run, runs);
        re.append('$');
        Pattern compiled = exactCase ? Pattern.compile(re.toString())
                : Pattern.compile(re.toString(), Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE);
        return new RoutePattern(source, names, regexes, compiled, runs, exactCase);
    }

    private static void endRun(StringBuilder run, List<String> runs) {
        if (run.length() > 0) {
            runs.add(Addresses.lowerCase(run.toString()));
            run.setLength(0);
        }
    }

    private static void checkRegex(String source, String name, String r) {
        try {
            Pattern.compile(r);
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException("capture (" + name + ") of route '" + source + "' has an invalid regex '"
                    + r + "': " + e.getDescription());
        }
    }

    /** A {@code (name)} in a route pattern. */
    private record CaptureRef(String name) {
    }

    private static List<Object> split(String source) {
        if (source == null || source.isBlank()) {
            throw new IllegalArgumentException("route pattern is empty");
        }
        List<Object> parts = new ArrayList<>();
        StringBuilder lit = new StringBuilder();
        int i = 0;
        while (i < source.length()) {
            char ch = source.charAt(i);
            if (ch == '(') {
                int close = source.indexOf(')', i);
                if (close < 0) {
                    throw new IllegalArgumentException("route '" + source + "' has an unclosed '(' at position " + i);
                }
                String name = source.substring(i + 1, close);
                if (!CAPTURE_NAME.matcher(name).matches()) {
                    throw new IllegalArgumentException("route '" + source + "' has an invalid capture name '(" + name
                            + ")': use letters, digits and _ , starting with a letter");
                }
                if (lit.length() > 0) {
                    parts.add(lit.toString());
                    lit.setLength(0);
                }
                parts.add(new CaptureRef(name));
                i = close + 1;
            } else if (ch == ')') {
                throw new IllegalArgumentException("route '" + source + "' has a ')' with no '(' at position " + i);
            } else {
                lit.append(ch);
                i++;
            }
        }
        if (lit.length() > 0) {
            parts.add(lit.toString());
        }
        return parts;
    }

    /** Index of the literal part holding the last '@', or -1 when the pattern has none outside captures. */
    private static int lastLiteralAt(List<Object> parts) {
        for (int i = parts.size() - 1; i >= 0; i--) {
            if (parts.get(i) instanceof String s && s.indexOf('@') >= 0) {
                return i;
            }
        }
        return -1;
    }

    /**
     * Matches {@code address} as written.
     *
     * @return the captures by name, or {@code null} when the address does not match
     */
    public Map<String, String> match(String address) {
        return match(Addresses.forRouting(address), Addresses.folded(address));
    }

    /**
     * Matches one address given in both its forms, so that a router folds it once for all routes.
     *
     * @param routed {@link Addresses#forRouting}: domain in lower case (what an exact route matches)
     * @param folded {@link Addresses#folded}: all in lower case (what other routes match)
     * @return the captures by name, or {@code null} when the address does not match
     */
    public Map<String, String> match(String routed, String folded) {
        Matcher m = regex.matcher(exactCase ? routed : folded);
        if (!m.matches()) {
            return null;
        }
        if (captureNames.isEmpty()) {
            return Map.of();
        }
        Map<String, String> out = new LinkedHashMap<>(captureNames.size() * 2);
        for (int g = 0; g < captureNames.size(); g++) {
            out.put(captureNames.get(g), m.group(GROUPS[g]));
        }
        return out;
    }

    /** The pattern as written. */
    public String source() {
        return source;
    }

    /** The capture names in pattern order. */
    public List<String> captureNames() {
        return captureNames;
    }

    /** Each capture's effective regex. */
    public Map<String, String> captureRegexes() {
        return captureRegexes;
    }

    /** Whether the local part matches exactly rather than in any case. */
    public boolean exactCase() {
        return exactCase;
    }

    /**
     * The runs of fixed text every matching address contains, in pattern order, {@linkplain
     * Addresses#lowerCase lower-cased} (an index looks for them in the folded address). Captures whose regex can match only one text count as fixed.
     */
    public List<String> literals() {
        return literals;
    }

    @Override
    public String toString() {
        return source;
    }
}
