package org.tubemail.internal.dns;

/**
 * One MX record.
 *
 * @param preference lower is tried first
 * @param host       the mail exchanger's name, without the trailing dot; {@code ""} for a null MX (RFC 7505)
 */
public record MxHost(int preference, String host) {}
