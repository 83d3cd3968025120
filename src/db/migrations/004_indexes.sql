-- Indexes found by the benchmark (bench/README.md, a village with a year of ledger:
-- ~50,000 entries, ~500 households).

-- A claim's latest 公示 entry, max(id) WHERE claim_id = ?, is looked up for every claim
-- read (review, claim page, claim lists); without this it scans the publicity table.
CREATE INDEX publicity_claim ON publicity(claim_id);

-- The ranking sums each household's honour over a period: covering, so the sum is read
-- from the index alone instead of one table row per ledger entry.
CREATE INDEX ledger_household_earn ON ledger(household_id, at, source, honour);

-- The black list (a village's deductions in a period, minus the corrected ones) and
-- ledger filters by source: covering for the deductions' sum per household.
CREATE INDEX ledger_village_source ON ledger(village_id, source, at, household_id, honour);

-- A household's ledger page, newest first: the equality on household_id and the order
-- by seq come straight from this index.
CREATE INDEX ledger_household_seq ON ledger(household_id, seq);

-- Returns of a sale, read back with every receipt (redemption replies, returns, receipt
-- views): without this each read scans all receipts.
CREATE INDEX receipts_original ON receipts(original_id);
