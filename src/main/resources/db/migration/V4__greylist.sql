-- Greylist entries (org.tubemail.server.guard): greylisted triplets (client network, sender,
-- recipient) with their first sight, and allowed client networks, each with its own expiry.
CREATE TABLE tubemail_greylist (
    key           text   PRIMARY KEY,
    value_ms      bigint NOT NULL,
    expires_at_ms bigint NOT NULL
);
CREATE INDEX tubemail_greylist_expiry ON tubemail_greylist (expires_at_ms);
