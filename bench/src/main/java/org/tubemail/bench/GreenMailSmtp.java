package org.tubemail.bench;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;

/**
 * The second SMTP baseline: GreenMail's SMTP server on 127.0.0.1, accepting everything and keeping
 * it in memory. Usage: {@code java -cp benchmarks.jar org.tubemail.bench.GreenMailSmtp PORT}; prints
 * {@code READY port} once bound and runs until killed.
 */
public final class GreenMailSmtp {

    private GreenMailSmtp() {
    }

    public static void main(String[] args) throws InterruptedException {
        int port = Integer.parseInt(Ports.arg(args, 0, "PORT"));
        GreenMail mail = new GreenMail(new ServerSetup(port, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        mail.start();
        Runtime.getRuntime().addShutdownHook(new Thread(mail::stop));
        System.out.println("READY " + port);
        Thread.currentThread().join();
    }
}
