package org.tubemail.boot;

/**
 * A boot hook for wiring in Java rather than in the settings file: name the implementing class in
 * {@code boot.class}. It runs after the settings are read and before the router is built, and may
 * add handlers, replace the storage or relay, and change the router builder.
 */
public interface Boot {

    /** Wires the application. */
    void boot(BootContext context) throws Exception;
}
