package org.tubemail.internal.mail;

import org.jsoup.Jsoup;
import org.jsoup.nodes.Element;
import org.jsoup.nodes.Node;
import org.jsoup.nodes.TextNode;
import org.jsoup.select.NodeVisitor;

import java.util.Set;

/**
 * An HTML body as the text a reader sees: paragraphs, line breaks, list items and table rows on
 * lines of their own, links followed by their address, and nothing of scripts, styles or the
 * head. jsoup parses (broken markup and every entity); this class only lays out the lines.
 */
public final class HtmlText {

    private static final Set<String> BLOCKS = Set.of("p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "tr", "blockquote",
            "pre", "ul", "ol", "table", "section", "article", "header", "footer", "hr", "dt", "dd");
    private static final Set<String> HIDDEN = Set.of("script", "style", "head", "title", "template", "noscript");

    private HtmlText() {
    }

    /** The text of {@code html}, lines trimmed, at most one blank line in a row. */
    public static String of(String html) {
        StringBuilder out = new StringBuilder();
        Element body = Jsoup.parse(html).body();
        body.traverse(new NodeVisitor() {
            private int hidden;

            @Override
            public void head(Node node, int depth) {
                if (node instanceof Element e && HIDDEN.contains(e.normalName())) {
                    hidden++;
                } else if (hidden > 0) {
                    return;
                } else if (node instanceof TextNode t) {
                    out.append(t.text());
                } else if (node instanceof Element e && (e.normalName().equals("br") || BLOCKS.contains(e.normalName()))) {
                    out.append('\n');
                }
            }

            @Override
            public void tail(Node node, int depth) {
                if (node instanceof Element e && HIDDEN.contains(e.normalName())) {
                    hidden--;
                } else if (hidden == 0 && node instanceof Element e) {
                    if (BLOCKS.contains(e.normalName())) {
                        out.append('\n');
                    } else if (e.normalName().equals("a") && e.hasAttr("href") && !e.attr("href").startsWith("#")
                            && !e.text().equals(e.attr("href"))) {
                        out.append(" <").append(e.attr("href")).append('>');
                    }
                }
            }
        });
        StringBuilder text = new StringBuilder();
        boolean blank = true;
        for (String line : (Iterable<String>) out.toString().lines().map(String::strip)::iterator) {
            if (!line.isEmpty() || !blank) {
                text.append(line).append('\n');
            }
            blank = line.isEmpty();
        }
        return text.toString().strip();
    }
}
