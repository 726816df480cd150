package org.tubemail.internal.routing;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Finds the routes an address may match without trying every route's regex.
 *
 * <p>Each route contributes one of its {@linkplain RoutePattern#literals() literal runs}, the one
 * fewest other routes share (the longest among equals), to one Aho-Corasick automaton; one pass
 * over an address yields every route whose chosen literal it contains, and only those routes'
 * regexes are tried. Routes with no literal of at least two characters are always tried. The cost
 * of a lookup therefore grows with the address length and the number of plausible routes, not
 * with the number of routes.
 */
final class RouteIndex<T> {

    private static final int MIN_LITERAL = 2;

    /** A trie node; its transitions are parallel arrays, sorted by character, searched in place. */
    private static final class Node {
        char[] labels = new char[0];
        Node[] children = new Node[0];
        Node fail;
        int[] outputs = new int[0];

        Node child(char c) {
            int i = java.util.Arrays.binarySearch(labels, c);
            return i >= 0 ? children[i] : null;
        }

        Node addChild(char c) {
            int i = java.util.Arrays.binarySearch(labels, c);
            if (i >= 0) {
                return children[i];
            }
            int at = -i - 1;
            Node n = new Node();
            char[] l = new char[labels.length + 1];
            Node[] ch = new Node[children.length + 1];
            System.arraycopy(labels, 0, l, 0, at);
            System.arraycopy(children, 0, ch, 0, at);
            l[at] = c;
            ch[at] = n;
            System.arraycopy(labels, at, l, at + 1, labels.length - at);
            System.arraycopy(children, at, ch, at + 1, children.length - at);
            labels = l;
            children = ch;
            return n;
        }
    }

    private final List<T> entries;
    private final Node root = new Node();
    private final int[] alwaysTried;

    /**
     * @param entries  the routes' payloads, in priority order
     * @param literals each entry's literal runs, same order
     */
    RouteIndex(List<T> entries, List<List<String>> literals) {
        this.entries = List.copyOf(entries);
        Map<String, Integer> shared = new HashMap<>();
        for (List<String> runs : literals) {
            for (String run : new java.util.HashSet<>(runs)) {
                shared.merge(run, 1, Integer::sum);
            }
        }
        List<Integer> always = new ArrayList<>();
        for (int id = 0; id < literals.size(); id++) {
            String lit = mostSelective(literals.get(id), shared);
            if (lit.length() < MIN_LITERAL) {
                always.add(id);
            } else {
                add(lit, id);
            }
        }
        alwaysTried = always.stream().mapToInt(Integer::intValue).toArray();
        linkFailures();
    }

    private static String mostSelective(List<String> runs, Map<String, Integer> shared) {
        String best = "";
        for (String run : runs) {
            if (run.length() < MIN_LITERAL) {
                continue;
            }
            int c = Integer.compare(shared.get(run), best.isEmpty() ? Integer.MAX_VALUE : shared.get(best));
            if (c < 0 || c == 0 && run.length() > best.length()) {
                best = run;
            }
        }
        return best;
    }

    private void add(String literal, int id) {
        Node n = root;
        for (int i = 0; i < literal.length(); i++) {
            n = n.addChild(literal.charAt(i));
        }
        n.outputs = append(n.outputs, id);
    }

    private static int[] append(int[] a, int v) {
        int[] b = java.util.Arrays.copyOf(a, a.length + 1);
        b[a.length] = v;
        return b;
    }

    private void linkFailures() {
        ArrayDeque<Node> queue = new ArrayDeque<>();
        for (Node child : root.children) {
            child.fail = root;
            queue.add(child);
        }
        while (!queue.isEmpty()) {
            Node n = queue.poll();
            for (int c = 0; c < n.labels.length; c++) {
                char label = n.labels[c];
                Node child = n.children[c];
                Node f = n.fail;
                while (f != null && f.child(label) == null) {
                    f = f.fail;
                }
                child.fail = f == null ? root : f.child(label);
                int[] inherited = child.fail.outputs;
                for (int id : inherited) {
                    child.outputs = append(child.outputs, id);
                }
                queue.add(child);
            }
        }
    }

    /**
     * The entries whose literal {@code address} contains, plus the always-tried ones, in priority
     * order. Literals are lower case, so pass the {@linkplain org.tubemail.internal.mail.Addresses#folded folded} address.
     */
    List<T> candidates(String address) {
        BitSet hits = new BitSet(entries.size());
        for (int id : alwaysTried) {
            hits.set(id);
        }
        Node n = root;
        for (int i = 0; i < address.length(); i++) {
            char c = address.charAt(i);
            Node next = n.child(c);
            while (next == null && n != root) {
                n = n.fail;
                next = n.child(c);
            }
            n = next == null ? root : next;
            for (int id : n.outputs) {
                hits.set(id);
            }
        }
        List<T> out = new ArrayList<>(hits.cardinality());
        for (int id = hits.nextSetBit(0); id >= 0; id = hits.nextSetBit(id + 1)) {
            out.add(entries.get(id));
        }
        return out;
    }

    /** Every entry, in priority order. */
    List<T> all() {
        return entries;
    }
}
