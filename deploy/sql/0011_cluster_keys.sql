-- 0011: key check values of the keys every node of a cluster must share (DESIGN §8).
--
-- The first node that starts with a key records a check value of it; every other node compares its own key's check
-- value before it serves, and refuses to start on a mismatch. A fresh cluster therefore cannot split into nodes that
-- each generated their own master key or operator key: only the single-node role may generate a key, and it writes
-- the key file only after its INSERT here won (ON CONFLICT DO NOTHING; the primary key serialises racing nodes).
--
--   key_name     'master' (the local master key, root of the tenant KEKs) or 'operator' (the operator API key)
--   check_value  master: the key reference 'local:' + first 8 bytes (hex) of SHA-256(key), as stored on wrapped keys;
--                operator: 'op:' + first 8 bytes (hex) of SHA-256("QuantaSeal/v1/operator-key-check" || key).
--                64 bits of a hash of a 256-bit random key: enough to tell keys apart, nothing to recover one from.
--
-- To replace a cluster's keys on purpose, stop every node, delete the row, and start the first node with the new key.
CREATE TABLE quantaseal_cluster_keys (
    service_id  text        NOT NULL,
    key_name    text        NOT NULL CHECK (key_name IN ('master', 'operator')),
    check_value text        NOT NULL,
    recorded_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (service_id, key_name)
);
