-- Automatic replies counted per responder (handler module) and address in the current window
-- (org.tubemail.autoreply): shared by every server, so the RFC 3834 limit holds across them.
CREATE TABLE tubemail_auto_reply (
    responder      text   NOT NULL,
    address        text   NOT NULL,
    window_ends_ms bigint NOT NULL,
    replies        int    NOT NULL,
    PRIMARY KEY (responder, address)
);
CREATE INDEX tubemail_auto_reply_window ON tubemail_auto_reply (window_ends_ms);
