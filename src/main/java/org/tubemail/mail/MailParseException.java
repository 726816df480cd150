package org.tubemail.mail;

/** A message whose header block cannot be read at all. */
public final class MailParseException extends RuntimeException {
    /** @param message what was wrong, naming the sender  @param cause the parser's exception */
    public MailParseException(String message, Throwable cause) {
        super(message, cause);
    }
}
