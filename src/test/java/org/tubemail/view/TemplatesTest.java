package org.tubemail.view;

import jakarta.mail.BodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tubemail.mail.MailResponse;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TemplatesTest {

    private static final Map<String, Object> VALUES = Map.of("list", "friends", "name", "<script>alert(1)</script> & co");

    @TempDir
    Path dir;

    private static MailResponse base() {
        return MailResponse.to("bob@example.org").from("friends-admin@example.com").subject("Welcome");
    }

    @Test
    void respondBuildsTextAndHtmlPartsFromClassPathTemplates() throws Exception {
        Templates views = Templates.fromClassPath(TemplatesTest.class, "templates");
        MimeMessage m = views.respond(base(), "welcome", VALUES).toMimeMessage();
        m.saveChanges();
        assertTrue(m.getContentType().startsWith("multipart/alternative"), m.getContentType());
        MimeMultipart parts = (MimeMultipart) m.getContent();
        assertEquals(2, parts.getCount());
        BodyPart text = parts.getBodyPart(0);
        BodyPart html = parts.getBodyPart(1);
        assertTrue(text.isMimeType("text/plain") && html.isMimeType("text/html"));
        String t = (String) text.getContent();
        assertTrue(t.startsWith("Welcome to friends, <script>alert(1)</script> & co!"), t);
        assertTrue(t.contains("To leave, write to friends-unsubscribe@example.com"), "the partial: " + t);
        String h = (String) html.getContent();
        assertTrue(h.contains("Welcome to <b>friends</b>, &lt;script&gt;alert(1)&lt;/script&gt; &amp; co!"), h);
        assertFalse(h.contains("<script>"), "no markup from values in HTML: " + h);
    }

    @Test
    void aTextOnlyTemplateMakesATextOnlyMessage() throws Exception {
        MimeMessage m = Templates.fromClassPath("org/tubemail/view/templates/").respond(base(), "goodbye", VALUES).toMimeMessage();
        m.saveChanges();
        assertTrue(m.isMimeType("text/plain"), m.getContentType());
        assertEquals("Bye from friends.", ((String) m.getContent()).strip());
    }

    @Test
    void folderTemplatesRender() throws Exception {
        Files.writeString(dir.resolve("hello.html.mustache"), "<i>{{who}}</i>");
        Files.writeString(dir.resolve("hello.txt.mustache"), "hi {{who}}");
        Templates views = Templates.fromFolder(dir);
        assertEquals("hi <ann>", views.render("hello", Map.of("who", "<ann>")));
        MimeMessage m = views.respond(base(), "hello", Map.of("who", "<ann>")).toMimeMessage();
        m.saveChanges();
        assertEquals("<i>&lt;ann&gt;</i>", ((MimeMultipart) m.getContent()).getBodyPart(1).getContent());
    }

    @Test
    void aMissingTemplateNamesWhereItWasLookedFor() {
        TemplateException e = assertThrows(TemplateException.class,
                () -> Templates.fromFolder(dir).respond(base(), "nothing", VALUES));
        assertTrue(e.getMessage().contains(dir.resolve("nothing.txt.mustache").toString())
                && e.getMessage().contains("nothing.html.mustache"), e.getMessage());
    }

    @Test
    void aValueTheTemplateNeedsButIsNotGivenNamesTheTemplate() {
        TemplateException e = assertThrows(TemplateException.class,
                () -> Templates.fromClassPath(TemplatesTest.class, "templates").render("welcome", Map.of("list", "x")));
        assertTrue(e.getMessage().contains("welcome") && e.getMessage().contains("name"), e.getMessage());
    }

    @Test
    void namesCannotLeaveTheFolder() throws Exception {
        Files.writeString(dir.resolve("secret.mustache"), "secret");
        Path inner = Files.createDirectory(dir.resolve("inner"));
        Templates views = Templates.fromFolder(inner);
        assertThrows(TemplateException.class, () -> views.render("../secret", Map.of()));
        assertThrows(TemplateException.class, () -> views.render("/etc/passwd", Map.of()));
    }
}
