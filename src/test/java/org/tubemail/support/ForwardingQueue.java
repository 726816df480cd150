package org.tubemail.support;

import org.tubemail.internal.queue.MemoryQueue;
import org.tubemail.internal.queue.MessageQueue;

import java.util.List;
import java.util.Optional;

/** A queue that passes every call to an in-memory one; tests override the calls they make fail. */
public class ForwardingQueue implements MessageQueue {

    /** The queue every call goes to. */
    public final MemoryQueue inner = new MemoryQueue();

    @Override
    public String push(byte[] message) {
        return inner.push(message);
    }

    @Override
    public Optional<QueuedMessage> pop() {
        return inner.pop();
    }

    @Override
    public Optional<QueuedMessage> claim() {
        return inner.claim();
    }

    @Override
    public Optional<QueuedMessage> claim(String key) {
        return inner.claim(key);
    }

    @Override
    public List<String> recover() {
        return inner.recover();
    }

    @Override
    public Optional<byte[]> get(String key) {
        return inner.get(key);
    }

    @Override
    public boolean remove(String key) {
        return inner.remove(key);
    }

    @Override
    public int count() {
        return inner.count();
    }

    @Override
    public void clear() {
        inner.clear();
    }

    @Override
    public List<String> keys() {
        return inner.keys();
    }
}
