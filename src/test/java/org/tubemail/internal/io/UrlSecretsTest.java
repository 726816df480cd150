package org.tubemail.internal.io;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The passwords and tokens a URL carries are masked; the rest of it stays readable. */
class UrlSecretsTest {

    @Test
    void masksPasswordParametersAndUserInformation() {
        assertEquals("jdbc:postgresql://db:5432/mail?user=tm&password=***&ssl=true",
                UrlSecrets.mask("jdbc:postgresql://db:5432/mail?user=tm&password=s3cret&ssl=true", "***"));
        assertEquals("jdbc:postgresql://db/mail;PASSWORD=***;ssl=true", UrlSecrets.mask("jdbc:postgresql://db/mail;PASSWORD=a;ssl=true", "***"));
        assertEquals("jdbc:postgresql://tm:***@db/mail", UrlSecrets.mask("jdbc:postgresql://tm:s3cret@db/mail", "***"));
        assertEquals("https://hooks.example.com/in?token=***&x=1", UrlSecrets.mask("https://hooks.example.com/in?token=abc&x=1", "***"));
        assertEquals("https://a:***@hooks.example.com/in?api_key=***", UrlSecrets.mask("https://a:p%40ss@hooks.example.com/in?api_key=k", "***"));
    }

    @Test
    void leavesAUrlWithoutSecretsAlone() {
        for (String url : new String[] {"jdbc:postgresql://127.0.0.1:5432/tubemail", "https://user@example.com/x?user=me", "https://app.example.com/in#mail", ""}) {
            assertEquals(url, UrlSecrets.mask(url, "***"));
        }
    }
}
