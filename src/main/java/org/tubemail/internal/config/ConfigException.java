package org.tubemail.internal.config;

/**
 * A setting that stops start-up. The message names the file, the key, the value and the expected
 * form, e.g. {@code config/settings.properties: receiver.smtp.port = 'abc': expected a port number 0-65535}.
 */
public final class ConfigException extends RuntimeException {

    /** @param message the whole message, naming file and key */
    public ConfigException(String message) {
        super(message);
    }

    /** @param message the whole message  @param cause the underlying failure */
    public ConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
