package org.tubemail.internal.confirm;

import org.tubemail.confirm.ConfirmationStore;

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
