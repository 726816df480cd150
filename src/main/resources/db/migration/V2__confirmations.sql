-- Pending confirmations (org.tubemail.confirm): at most one per (target, sender), with the
-- pending original message (its envelope and its bytes).
CREATE TABLE tubemail_confirmation (
    target        text        NOT NULL,
    sender        text        NOT NULL,
    token         text        NOT NULL,
    expires_at_ms bigint      NOT NULL,
    peer          text        NOT NULL,
    mail_from     text        NOT NULL,
    recipients    text[]      NOT NULL,
    raw           bytea       NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (target, sender)
);
CREATE INDEX tubemail_confirmation_expiry ON tubemail_confirmation (expires_at_ms);
