package org.tubemail.server.guard;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import org.tubemail.monitor.Monitor;

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
