package org.tubemail.internal.relay;

import java.net.URI;
import java.time.Duration;

/**
 * Where a {@link WebhookForwarder} posts messages, and how.
 *
 * @param name               the name messages are queued under (settings: {@code forward.http.NAME})
 * @param url                the {@code http} or {@code https} URL to POST to
 * @param secret             the HMAC-SHA256 key the receiver verifies signatures with; never logged
 * @param timeout            connect and response time limit of one attempt
 * @param maxAttachmentBytes attachments up to this size are sent base64-encoded, larger ones only described
 * @param includeRaw         whether the JSON carries the raw MIME message ({@code raw_mime}, base64)
 */
public record WebhookEndpoint(String name, URI url, String secret, Duration timeout, long maxAttachmentBytes, boolean includeRaw) {

    /** Checks the URL's scheme and that there is a secret. */
    public WebhookEndpoint {
        if (url.getScheme() == null || !url.getScheme().matches("https?") || url.getHost() == null) {
            throw new IllegalArgumentException("webhook " + name + ": expected an absolute http or https URL, got " + url);
        }
        if (secret == null || secret.length() < 16) {
            throw new IllegalArgumentException("webhook " + name + ": the signing secret must have at least 16 characters");
        }
    }

    /** Hides the secret and the URL's query (it may hold a token). */
    @Override
    public String toString() {
        return "webhook " + name + " (" + url.getScheme() + "://" + url.getAuthority() + url.getPath() + ")";
    }
}
