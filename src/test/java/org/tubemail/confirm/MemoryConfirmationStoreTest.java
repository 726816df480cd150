package org.tubemail.confirm;

class MemoryConfirmationStoreTest extends ConfirmationStoreContract {

    @Override
    protected ConfirmationStore open() {
        return new MemoryConfirmationStore();
    }

    @Override
    protected boolean durable() {
        return false;
    }
}
