package org.tubemail.mail;

/**
 * One attachment of a received message, decoded.
 *
 * @param fileName    the file name (decoded), or {@code ""} when the part has none
 * @param contentType the MIME type without parameters, lower case, e.g. {@code application/pdf}
 * @param content     the decoded bytes
 */
public record Attachment(String fileName, String contentType, byte[] content) {

    /** The decoded size in bytes. */
    public int size() {
        return content.length;
    }
}
