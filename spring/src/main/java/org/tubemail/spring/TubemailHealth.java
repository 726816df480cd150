package org.tubemail.spring;

import org.tubemail.internal.state.StateStorage;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What Tubemail's Actuator health indicators report, apart from Actuator's types (which moved
 * package in Spring Boot 4): the receivers are up while they run, the storage while it answers a read.
 *
 * @param up      whether the part is up
 * @param details what to show with the status
 */
public record TubemailHealth(boolean up, Map<String, Object> details) {

    /** UP while the receivers run, with the SMTP address. */
    public static TubemailHealth of(TubemailReceivers receivers) {
        return receivers.isRunning()
                ? new TubemailHealth(true, Map.of("smtp", receivers.smtpHost() + ":" + receivers.smtpPort()))
                : new TubemailHealth(false, Map.of("reason", "the receivers are stopped"));
    }

    /** UP when the state storage answers a read; DOWN with the storage's error otherwise. */
    public static TubemailHealth of(StateStorage storage) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("storage", storage.getClass().getSimpleName());
        try {
            storage.get("tubemail-health", "probe");
            return new TubemailHealth(true, details);
        } catch (RuntimeException e) {
            details.put("error", String.valueOf(e.getMessage()));
            return new TubemailHealth(false, details);
        }
    }
}
