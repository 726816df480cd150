package org.tubemail.internal.mail;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Quoted-reply stripping on bodies shaped like the ones common clients send. */
class ReplyTextTest {

    @Test
    void gmailAttributionWrappedOverTwoLines() {
        String body = "Yes, Thursday works for me.\r\n\r\nBest,\r\nAnn\r\n\r\nOn Mon, Jan 8, 2024 at 10:02 AM Support Team <\r\n"
                + "support@example.com> wrote:\r\n\r\n> Could you confirm the date?\r\n>\r\n> Thanks\r\n";
        assertEquals(new ReplyText("Yes, Thursday works for me.\n\nBest,\nAnn", ""), ReplyText.of(body));
    }

    @Test
    void appleMailAndThunderbirdAttributions() {
        assertEquals("Sounds good.", ReplyText.of("Sounds good.\n\n> On 8 Jan 2024, at 10:02, Support <support@example.com> wrote:\n"
                + "> \n> Could you confirm?\n").text());
        assertEquals("Merci !", ReplyText.of("Merci !\n\nLe lun. 8 janv. 2024 à 10:02, Support <support@example.com> a écrit :\n> Bonjour\n").text());
        assertEquals("Done.", ReplyText.of("Done.\n\nOn 1/8/24 10:02, Support wrote:\n> old\n").text());
    }

    @Test
    void outlookSeparatorsAndHeaderBlock() {
        String desktop = "Please cancel my order.\r\n\r\nRegards\r\nBob\r\n\r\n________________________________\r\n"
                + "From: Support <support@example.com>\r\nSent: Monday, January 8, 2024 10:02 AM\r\nTo: Bob <bob@example.org>\r\n"
                + "Subject: Your order\r\n\r\nYour order has shipped.\r\n";
        assertEquals("Please cancel my order.\n\nRegards\nBob", ReplyText.of(desktop).text());
        String original = "See attached.\n\n-----Original Message-----\nFrom: Support\nSent: Monday\nTo: Bob\nSubject: x\n\nold text\n";
        assertEquals("See attached.", ReplyText.of(original).text());
        String bare = "Thanks!\n\nFrom: Support <support@example.com>\nDate: Monday, January 8, 2024\nTo: bob@example.org\nSubject: Re: x\n\nold\n";
        assertEquals("Thanks!", ReplyText.of(bare).text());
    }

    @Test
    void signatureAndMobileFooter() {
        assertEquals(new ReplyText("Refund please.", "Bob Smith\nACME Ltd"),
                ReplyText.of("Refund please.\n\n-- \nBob Smith\nACME Ltd\n\nOn Mon, Jan 8, 2024 at 10:02 AM Support wrote:\n> x\n"));
        assertEquals(new ReplyText("On my way.", "Sent from my iPhone"), ReplyText.of("On my way.\n\nSent from my iPhone\n"));
    }

    @Test
    void inlineRepliesKeepTheirOwnLinesAndPlainTextIsUntouched() {
        assertEquals("Yes.\n\nNo, Friday.", ReplyText.of("> Is the bug fixed?\nYes.\n\n> Shall we ship Thursday?\nNo, Friday.\n").text());
        String plain = "On Monday we shipped the fix.\nFrom: the release notes\nNothing quoted here.";
        assertEquals(plain, ReplyText.of(plain).text(), "a line starting with On or From: is not history by itself");
    }
}
