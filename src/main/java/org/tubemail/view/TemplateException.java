package org.tubemail.view;

/** A template is missing, cannot be read, or fails to render; the message names it and where it was looked for. */
public class TemplateException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** With the template's name and location in {@code message}. */
    public TemplateException(String message, Throwable cause) {
        super(message, cause);
    }
}
