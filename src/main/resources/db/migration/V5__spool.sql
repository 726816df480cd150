-- The shared SMTP spool (queue.spool.kind=postgres, org.tubemail.internal.queue.PostgresSpool): a message is
-- committed here before its 250. id is the acceptance order; order_key the normalised envelope
-- sender (NULL for bounces: no order). head marks the oldest row of its order_key (every bounce is
-- a head), kept so under a transaction-scoped advisory lock per order_key; only a head is claimed,
-- by setting a lease that its server renews and that expires when the server dies.
-- The message (envelope lines + bytes) is a bytea, which PostgreSQL stores out of line (TOAST)
-- once it is larger than about 2 kB, so claims and lease renewals never copy it.
CREATE TABLE tubemail_spool (
    id          bigserial   PRIMARY KEY,
    order_key   text,
    accepted_at timestamptz NOT NULL DEFAULT now(),
    accepted_by text        NOT NULL,
    message     bytea       NOT NULL,
    lease_owner text,
    lease_until timestamptz,
    attempts    int         NOT NULL DEFAULT 0,
    head        boolean     NOT NULL
);
ALTER TABLE tubemail_spool ALTER COLUMN message SET STORAGE EXTERNAL;
CREATE INDEX tubemail_spool_order ON tubemail_spool (order_key, id);
CREATE INDEX tubemail_spool_heads ON tubemail_spool (id) WHERE head;
CREATE INDEX tubemail_spool_lease ON tubemail_spool (lease_owner) WHERE lease_owner IS NOT NULL;

-- Messages seen within the de-duplication window (queue.dedup.window.seconds): SHA-256 of
-- Message-ID, sender and recipient set, with the spool key of the copy that is routed.
CREATE TABLE tubemail_dedup (
    digest     bytea       PRIMARY KEY,
    spool_key  text        NOT NULL,
    expires_at timestamptz NOT NULL
);
CREATE INDEX tubemail_dedup_expiry ON tubemail_dedup (expires_at);
