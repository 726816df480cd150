package org.tubemail.internal.server.imap;

/**
 * How far an IMAP receiver got in one folder ({@link ImapProgressLog} keeps it on disk).
 *
 * @param uidValidity the folder's UIDVALIDITY the UIDs belong to; 0 before the first connection
 * @param routedUid   every message with a UID up to this one was routed
 * @param unfinished  the Message-IDs (or content hashes), separated by spaces, of routed messages
 *                    not yet known to be moved, flagged or deleted, or {@code ""}: after a
 *                    UIDVALIDITY change they tell those messages apart from mail still to route
 */
record ImapProgress(long uidValidity, long routedUid, String unfinished) {

    static final ImapProgress NONE = new ImapProgress(0, 0, "");

    /** One journal line, without its line end. */
    String line() {
        return uidValidity + " " + routedUid + " " + unfinished.replaceAll("[\\r\\n]", " ");
    }

    /** Reads a journal line; {@code null} when it is not one. */
    static ImapProgress parse(String line) {
        String[] parts = line.split(" ", 3);
        if (parts.length < 2) {
            return null;
        }
        try {
            return new ImapProgress(Long.parseLong(parts[0]), Long.parseLong(parts[1]), parts.length > 2 ? parts[2].strip() : "");
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
