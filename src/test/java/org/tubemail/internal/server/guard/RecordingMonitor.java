package org.tubemail.internal.server.guard;

import org.tubemail.internal.monitor.Monitor;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Keeps every {@link Monitor#clientRefused} report, as {@code client reason reply}. */
final class RecordingMonitor implements Monitor {
    final List<String> refused = Collections.synchronizedList(new ArrayList<>());

    @Override
    public void clientRefused(String client, String reason, String reply) {
        refused.add(client + " " + reason + " " + reply);
    }

    List<String> snapshot() {
        synchronized (refused) {
            return List.copyOf(refused);
        }
    }
}
