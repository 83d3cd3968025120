-- Fewer pages written by each change of the points (bench/README.md, issue 17).
--
-- A receipt's original is set only on a return; every sale wrote a NULL entry into this
-- index, one page more for each redemption at the counter. Only returns are looked up by
-- their original (original_id = ?), which both engines answer from a partial index.
DROP INDEX receipts_original;
CREATE INDEX receipts_original ON receipts(original_id) WHERE original_id IS NOT NULL;

-- Each ledger entry adds to its household's month, quarter and year rows. In a rowid table
-- those three rows lie where they were first inserted, three pages apart; kept in key
-- order (household, period) they share a page, and the key needs no index of its own.
-- PostgreSQL has no such table kind; its rows stay as they are.
-- @sqlite
CREATE TABLE ledger_totals_by_key (
    household_id BIGINT NOT NULL REFERENCES households(id),
    period       TEXT NOT NULL,
    period_kind  TEXT NOT NULL CHECK (period_kind IN ('month', 'quarter', 'year')),
    honour       BIGINT NOT NULL,
    spendable    BIGINT NOT NULL,
    entries      BIGINT NOT NULL,
    PRIMARY KEY (household_id, period)
) WITHOUT ROWID;
INSERT INTO ledger_totals_by_key (household_id, period, period_kind, honour, spendable, entries)
SELECT household_id, period, period_kind, honour, spendable, entries FROM ledger_totals;
DROP TABLE ledger_totals;
ALTER TABLE ledger_totals_by_key RENAME TO ledger_totals;
-- @end
