package org.tubemail.internal.server.guard;

class MemoryGreylistStoreTest extends GreylistStoreContract {
    @Override
    protected GreylistStore open() {
        return new MemoryGreylistStore();
    }

    @Override
    protected boolean durable() {
        return false;
    }
}
