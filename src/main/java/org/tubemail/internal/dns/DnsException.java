package org.tubemail.internal.dns;

/**
 * A lookup that got no usable answer in time: a timeout, a server failure or a refusal. The answer
 * is unknown, not negative; checks built on it report {@code temperror}.
 */
public final class DnsException extends Exception {
    public DnsException(String message, Throwable cause) {
        super(message, cause);
    }
}
