-- Activation codes are stored with a keyed hash (a subkey of the key file's lookup key,
-- register/account.c), no longer with an unkeyed hash of their 8 digits, which anyone
-- with a copy of the database could reverse by trying every code. The codes issued
-- before cannot be turned into the new hash (the database never held the digits): they
-- are marked 'v0:' and no longer activate; a villager who enters one is told that the
-- code was issued before the upgrade and that the cadre issues a new one.
UPDATE activation_codes SET code_hash = 'v0:' || code_hash WHERE code_hash NOT LIKE 'v0:%';
