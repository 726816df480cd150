package org.tubemail.internal.server.tls;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tubemail.internal.crypto.CryptoProvider;
import org.tubemail.support.OtherCryptoProvider;

import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Sessions on Conscrypt are counted and bounded; beyond the bound they run on JSSE, and a closed channel frees its place. */
class TlsContextSessionsTest {

    @Test
    void beyondTheLimitSessionsRunOnJsseAndAClosedOneFreesItsPlace(@TempDir Path dir) throws Exception {
        assumeTrue(OtherCryptoProvider.suiteMode() == CryptoProvider.Mode.NATIVE, "the suite runs on the JDK's providers: no Conscrypt");
        assumeTrue(CryptoProvider.current().nativeTls(), CryptoProvider.current().describe());
        TlsContext tls = TlsContext.loadOrGenerate(null, null, dir, "mx.example.com");
        tls.limitNativeSessions(2);
        List<SocketChannel> sockets = new ArrayList<>();
        try (ServerSocketChannel server = ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", 0))) {
            List<TlsChannel> channels = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                sockets.add(SocketChannel.open(server.getLocalAddress()));
                channels.add(tls.newChannel(server.accept(), null, null));
            }
            assertEquals(List.of("Conscrypt", "Conscrypt", "JSSE"), channels.stream().map(TlsContextSessionsTest::engine).toList());
            assertEquals(2, tls.nativeSessions());
            channels.get(0).close();
            channels.get(0).close(); // a second close counts nothing
            assertEquals(1, tls.nativeSessions());
            channels.get(2).close();
            assertEquals(1, tls.nativeSessions(), "a JSSE session was never counted");
            sockets.add(SocketChannel.open(server.getLocalAddress()));
            TlsChannel again = tls.newChannel(server.accept(), null, null);
            assertEquals("Conscrypt", engine(again));
            again.close();
            channels.get(1).close();
            assertEquals(0, tls.nativeSessions());
        } finally {
            for (SocketChannel s : sockets) {
                s.close();
            }
        }
    }

    private static String engine(TlsChannel c) {
        return c.session().getClass().getName().startsWith("org.conscrypt.") ? "Conscrypt" : "JSSE";
    }
}
