package org.tubemail.web;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * RFC 8058 one-click unsubscribe for any list-like application: the two headers to put on every
 * post, and the page behind them on the server's HTTP listener at
 * {@code /lists/{list}/unsubscribe?token=...}.
 *
 * <ul>
 *   <li>The token names the member and proves, by an HMAC over list and member ({@link SignedTokens}),
 *       that this server made it for exactly that member of exactly that list: nobody can
 *       unsubscribe someone else by editing a link.</li>
 *   <li>{@code GET} shows a confirmation page with one button and changes nothing (mail scanners
 *       and link previews follow links).</li>
 *   <li>{@code POST} (what a mail client sends for one click, body {@code List-Unsubscribe=One-Click})
 *       unsubscribes at once.</li>
 * </ul>
 * The links start with {@code http.public.url}; without it no HTTP link is made and only the
 * {@code mailto:} form is offered.
 */
public final class OneClickUnsubscribe {

    /** Removes a member from a list. */
    @FunctionalInterface
    public interface Unsubscriber {
        /** Unsubscribes {@code member} from {@code list}; returns false when it was not subscribed. */
        boolean unsubscribe(String list, String member) throws Exception;
    }

    /** The route the pages are served at. */
    public static final String PATH = "/lists/{list}/unsubscribe";

    private final SignedTokens tokens;
    private final Optional<String> publicUrl;

    /**
     * Registers the pages with {@code web}.
     *
     * @param web    the server's public routes (from {@code BootContext.web()})
     * @param tokens signs and checks the tokens; keep its key stable so that sent links keep working
     * @param action what unsubscribing does
     */
    public OneClickUnsubscribe(WebRoutes web, SignedTokens tokens, Unsubscriber action) {
        this.tokens = tokens;
        this.publicUrl = web.publicUrl();
        web.get(PATH, r -> {
            Optional<String> member = member(r);
            if (member.isEmpty()) {
                return invalid();
            }
            String list = r.pathParams().get("list");
            return WebResponse.html(200, page("Unsubscribe from " + list,
                    "<p>Stop sending mail from <b>" + WebResponse.escape(list) + "</b> to <b>" + WebResponse.escape(member.get()) + "</b>?</p>"
                            + "<form method=\"post\"><input type=\"hidden\" name=\"List-Unsubscribe\" value=\"One-Click\">"
                            + "<button type=\"submit\" id=\"unsubscribe\">Unsubscribe</button></form>"));
        });
        web.post(PATH, r -> {
            Optional<String> member = member(r);
            if (member.isEmpty()) {
                return invalid();
            }
            String list = r.pathParams().get("list");
            boolean was = action.unsubscribe(list, member.get());
            return WebResponse.html(200, page("Unsubscribed", "<p id=\"done\"><b>" + WebResponse.escape(member.get()) + "</b> "
                    + (was ? "is unsubscribed from" : "was not subscribed to") + " <b>" + WebResponse.escape(list) + "</b>.</p>"));
        });
    }

    /** The token for {@code member} of {@code list}: the member in URL-safe Base64, a dot, and the HMAC. */
    public String token(String list, String member) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(member.getBytes(StandardCharsets.UTF_8)) + "." + tokens.sign(list, member);
    }

    /** The one-click URL for {@code member} of {@code list}; empty without {@code http.public.url}. */
    public Optional<String> url(String list, String member) {
        return publicUrl.map(base -> base + "/lists/" + URLEncoder.encode(list, StandardCharsets.UTF_8).replace("+", "%20")
                + "/unsubscribe?token=" + token(list, member));
    }

    /**
     * The headers for a post to {@code member}: {@code List-Unsubscribe} with the one-click URL
     * (when there is a public URL) and {@code mailto}, and {@code List-Unsubscribe-Post}.
     *
     * @param mailto the address that unsubscribes by mail, e.g. {@code dev-unsubscribe@lists.example.com}
     */
    public Map<String, String> headers(String list, String member, String mailto) {
        Map<String, String> h = new LinkedHashMap<>();
        Optional<String> url = url(list, member);
        h.put("List-Unsubscribe", url.map(u -> "<" + u + ">, ").orElse("") + "<mailto:" + mailto + ">");
        url.ifPresent(u -> h.put("List-Unsubscribe-Post", "List-Unsubscribe=One-Click"));
        return h;
    }

    private Optional<String> member(WebRequest r) {
        String token = r.query().get("token");
        String list = r.pathParams().get("list");
        if (token == null || list == null) {
            return Optional.empty();
        }
        int dot = token.indexOf('.');
        if (dot <= 0) {
            return Optional.empty();
        }
        String member;
        try {
            member = new String(Base64.getUrlDecoder().decode(token.substring(0, dot)), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        return tokens.verify(token.substring(dot + 1), list, member) ? Optional.of(member) : Optional.empty();
    }

    private static WebResponse invalid() {
        return WebResponse.html(403, page("Link not valid", "<p>This unsubscribe link is not valid (it may have been cut or changed)."
                + " Reply to the list's unsubscribe address instead.</p>"));
    }

    private static String page(String title, String body) {
        return "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width\">"
                + "<title>" + WebResponse.escape(title) + "</title><style>body{font:16px system-ui,sans-serif;max-width:36em;margin:3em auto;"
                + "padding:0 1em}button{font:inherit;padding:.4em 1.2em}</style></head><body><h1>" + WebResponse.escape(title) + "</h1>"
                + body + "</body></html>";
    }
}
