package org.tubemail.queue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/** A message queue in memory, for tests and development. Nothing survives a restart. */
public final class MemoryQueue implements MessageQueue {

    private final Map<String, byte[]> messages = new LinkedHashMap<>();
    private final AtomicLong sequence = new AtomicLong();

    @Override
    public synchronized String push(byte[] message) {
        String key = String.format("%016d", sequence.incrementAndGet());
        messages.put(key, message.clone());
        return key;
    }

    @Override
    public synchronized Optional<QueuedMessage> pop() {
        var it = messages.entrySet().iterator();
        if (!it.hasNext()) {
            return Optional.empty();
        }
        var e = it.next();
        it.remove();
        return Optional.of(new QueuedMessage(e.getKey(), e.getValue()));
    }

    @Override
    public synchronized Optional<byte[]> get(String key) {
        byte[] m = messages.get(key);
        return m == null ? Optional.empty() : Optional.of(m.clone());
    }

    @Override
    public synchronized boolean remove(String key) {
        return messages.remove(key) != null;
    }

    @Override
    public synchronized int count() {
        return messages.size();
    }

    @Override
    public synchronized void clear() {
        messages.clear();
    }

    @Override
    public synchronized List<String> keys() {
        return new ArrayList<>(messages.keySet());
    }
}
