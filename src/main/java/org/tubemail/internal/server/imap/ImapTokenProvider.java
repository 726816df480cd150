package org.tubemail.internal.server.imap;

/**
 * Supplies OAuth2 access tokens for an IMAP mailbox that logs in with XOAUTH2 (Microsoft 365,
 * Gmail). Called before every connection, so a provider may cache a token and refresh it when it
 * is about to expire; the token is never logged. Settings: {@code receiver.imap.NAME.auth=xoauth2}
 * and {@code receiver.imap.NAME.token.provider=CLASS} (public, with a constructor taking the mailbox
 * name or none), or a fixed {@code receiver.imap.NAME.token}. README.md ("IMAP") shows providers for
 * Microsoft 365 (MSAL4J client credentials) and Gmail (google-auth-library service account).
 */
@FunctionalInterface
public interface ImapTokenProvider {

    /**
     * @param user the mailbox login, e.g. {@code support@contoso.com}
     * @return a current access token
     * @throws Exception when none can be had now (the receiver retries with backoff)
     */
    String accessToken(String user) throws Exception;
}
