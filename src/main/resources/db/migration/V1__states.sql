-- One row per (module, key) that is not in START: START is the absence of a row.
CREATE TABLE tubemail_state (
    module     text        NOT NULL,
    key        text        NOT NULL,
    state      text        NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (module, key)
);
