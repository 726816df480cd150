package org.tubemail.internal.relay;

import java.util.List;

/** One attempt to send a message over SMTP, with every recipient's outcome; {@link SmtpRelay} retries what is left. */
interface Sender extends AutoCloseable {

    /**
     * What happened to each recipient of one attempt.
     *
     * @param sent    accepted by the server
     * @param retry   not taken for a reason that may pass
     * @param refused refused for good
     * @param error   the server's reply or the failure, {@code ""} when all were sent
     * @param reached whether a server answered the transaction (false: no connection, or it broke
     *                before the recipients were answered)
     */
    record Outcome(List<String> sent, List<String> retry, List<String> refused, String error, boolean reached) {

        /** What the retry queue keeps of it. */
        RetryQueue.Outcome forRetry() {
            return new RetryQueue.Outcome(sent, retry, refused, error);
        }
    }

    /** Sends {@code message} (raw bytes, sent unchanged) from {@code from} ({@code ""}: the null sender) to {@code recipients}. */
    Outcome send(byte[] message, String from, List<String> recipients);

    /** Closes open connections. */
    @Override
    void close();
}
