package org.tubemail.web;

import java.nio.charset.StandardCharsets;

/**
 * The answer of an application's route.
 *
 * @param status      the HTTP status
 * @param contentType its content type
 * @param body        the body
 */
public record WebResponse(int status, String contentType, byte[] body) {

    /** A UTF-8 HTML page; build it with {@link #escape} for every value that is not yours. */
    public static WebResponse html(int status, String page) {
        return new WebResponse(status, "text/html; charset=utf-8", page.getBytes(StandardCharsets.UTF_8));
    }

    /** UTF-8 plain text. */
    public static WebResponse text(int status, String text) {
        return new WebResponse(status, "text/plain; charset=utf-8", text.getBytes(StandardCharsets.UTF_8));
    }

    /** {@code s} with {@code & < > " '} written as HTML entities, safe in text and quoted attributes. */
    public static String escape(String s) {
        StringBuilder b = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> b.append("&amp;");
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }
}
