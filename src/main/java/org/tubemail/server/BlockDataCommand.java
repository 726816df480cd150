package org.tubemail.server;

import org.subethamail.smtp.DropConnectionException;
import org.subethamail.smtp.RejectException;
import org.subethamail.smtp.internal.server.BaseCommand;
import org.subethamail.smtp.internal.server.Command;
import org.subethamail.smtp.internal.server.RequireAuthCommandWrapper;
import org.subethamail.smtp.internal.server.RequireTLSCommandWrapper;
import org.subethamail.smtp.server.SMTPServer;
import org.subethamail.smtp.server.Session;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;

/**
 * SubEthaSMTP's {@code DATA} command, reading the message in blocks with {@link DataReader}.
 *
 * <p>SubEthaSMTP's own command reads the message through two filter streams a byte at a time; in
 * Tubemail's SMTP benchmark that was a quarter of the server's CPU. Replies and checks are the same:
 * {@code 503} without {@code MAIL} or {@code RCPT}, {@code 354}, then the message handler's reply or
 * rejection. The message handler gets the whole message, at most the server's size limit plus one
 * byte of it, so that it can tell a message that is too big.
 */
final class BlockDataCommand extends BaseCommand {

    private final int keep;

    private BlockDataCommand(int maxMessageBytes) {
        super("DATA", "Following text is collected as the message.\nEnd data with <CR><LF>.<CR><LF>");
        this.keep = maxMessageBytes == Integer.MAX_VALUE ? Integer.MAX_VALUE : maxMessageBytes + 1;
    }

    /** Puts this command in place of SubEthaSMTP's {@code DATA} in {@code server}, with the same TLS and AUTH guards. */
    static void install(SMTPServer server, int maxMessageBytes) {
        Command guarded = new RequireTLSCommandWrapper(new RequireAuthCommandWrapper(new BlockDataCommand(maxMessageBytes)));
        server.getCommandHandler().addCommand(guarded);
    }

    @Override
    public void execute(String commandString, Session session) throws IOException, DropConnectionException {
        if (!session.isMailTransactionInProgress()) {
            session.sendResponse("503 5.5.1 Error: need MAIL command");
            return;
        }
        if (session.getRecipientCount() == 0) {
            session.sendResponse("503 5.5.1 Error: need RCPT command");
            return;
        }
        session.sendResponse("354 End data with <CR><LF>.<CR><LF>");
        byte[] message = DataReader.read(session.getRawInput(), keep);
        if (message == null) {
            throw new EOFException("connection closed before the end of DATA; nothing was accepted");
        }
        try {
            String reply = session.getMessageHandler().data(new ByteArrayInputStream(message));
            session.sendResponse(reply == null ? "250 Ok" : "250 " + reply);
        } catch (RejectException e) {
            session.sendResponse(e.getErrorResponse());
        } finally {
            session.resetMailTransaction();
        }
    }
}
