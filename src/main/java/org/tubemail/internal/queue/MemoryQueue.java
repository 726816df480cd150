package org.tubemail.internal.queue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/** A message queue in memory, for tests and development. Nothing survives a restart. */
public final class MemoryQueue implements MessageQueue {

    private final Map<String, byte[]> waiting = new LinkedHashMap<>();
    private final Map<String, byte[]> claimed = new LinkedHashMap<>();
    private final AtomicLong sequence = new AtomicLong();

    /** Yes: nothing is synced, so one thread pushing batches is as fast as any. */
    @Override
    public boolean syncsBatches() {
        return true;
    }

    @Override
    public synchronized String push(byte[] message) {
        String key = SequenceKeys.of(sequence.incrementAndGet());
        waiting.put(key, message.clone());
        return key;
    }

    @Override
    public synchronized Optional<QueuedMessage> pop() {
        Optional<QueuedMessage> m = claim();
        m.ifPresent(q -> claimed.remove(q.key()));
        return m;
    }

    @Override
    public synchronized Optional<QueuedMessage> claim() {
        return waiting.isEmpty() ? Optional.empty() : claim(waiting.keySet().iterator().next());
    }

    @Override
    public synchronized Optional<QueuedMessage> claim(String key) {
        byte[] m = waiting.remove(key);
        if (m == null) {
            return Optional.empty();
        }
        claimed.put(key, m);
        return Optional.of(new QueuedMessage(key, m.clone()));
    }

    @Override
    public synchronized List<String> recover() {
        List<String> keys = new ArrayList<>(claimed.keySet());
        Map<String, byte[]> all = new java.util.TreeMap<>(claimed);
        all.putAll(waiting);
        claimed.clear();
        waiting.clear();
        waiting.putAll(all);
        return keys;
    }

    @Override
    public synchronized Optional<byte[]> get(String key) {
        byte[] m = waiting.containsKey(key) ? waiting.get(key) : claimed.get(key);
        return m == null ? Optional.empty() : Optional.of(m.clone());
    }

    @Override
    public synchronized boolean remove(String key) {
        return waiting.remove(key) != null | claimed.remove(key) != null;
    }

    @Override
    public synchronized int count() {
        return waiting.size() + claimed.size();
    }

    @Override
    public synchronized void clear() {
        waiting.clear();
        claimed.clear();
    }

    @Override
    public synchronized List<String> keys() {
        return new ArrayList<>(new java.util.TreeMap<>(merged()).keySet());
    }

    private Map<String, byte[]> merged() {
        Map<String, byte[]> all = new LinkedHashMap<>(claimed);
        all.putAll(waiting);
        return all;
    }
}
