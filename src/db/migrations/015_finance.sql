-- Village finance 村级财务: the chart of accounts for village collectives (data), the
-- income and expense entries in 分 entered by one person and approved by another, and
-- the monthly statements published as the month's 财务 disclosure. A published month
-- is frozen: corrections are entries of a later month that name the corrected entry.

-- The standard chart: income and expense categories, with a parent for the
-- sub-accounts of 管理费用.
CREATE TABLE finance_categories (
    code       TEXT PRIMARY KEY,
    kind       TEXT NOT NULL CHECK (kind IN ('income', 'expense')),
    name       TEXT NOT NULL,
    parent     TEXT,
    sort       INTEGER NOT NULL
);
INSERT INTO finance_categories (code, kind, name, parent, sort) VALUES
    ('501', 'income', '经营收入', NULL, 10),
    ('502', 'income', '发包及上交收入', NULL, 20),
    ('503', 'income', '投资收益', NULL, 30),
    ('504', 'income', '补助收入', NULL, 40),
    ('505', 'income', '其他收入', NULL, 50),
    ('541', 'expense', '经营支出', NULL, 110),
    ('550', 'expense', '管理费用', NULL, 120),
    ('55001', 'expense', '干部报酬', '550', 121),
    ('55002', 'expense', '办公费', '550', 122),
    ('55003', 'expense', '差旅费', '550', 123),
    ('55004', 'expense', '水电费', '550', 124),
    ('55009', 'expense', '其他管理费用', '550', 129),
    ('551', 'expense', '公益支出', NULL, 130),
    ('552', 'expense', '其他支出', NULL, 140);

-- One income or expense. amount is positive, except for a correction (corrects_id
-- set), which may be negative (红字冲销). shop_move_id: the points shop's stock-in paid
-- from 集体经济 that this expense records (at most one entry per movement).
CREATE TABLE finance_entries (
    id              @ID@,
    village_id      BIGINT NOT NULL REFERENCES org_units(id),
    kind            TEXT NOT NULL CHECK (kind IN ('income', 'expense')),
    category        TEXT NOT NULL REFERENCES finance_categories(code),
    amount          BIGINT NOT NULL CHECK (amount <> 0),
    occurred_on     TEXT NOT NULL,                 -- YYYY-MM-DD
    counterpart     TEXT NOT NULL,
    summary         TEXT NOT NULL,                 -- 摘要
    vouchers        TEXT NOT NULL DEFAULT '',      -- file hashes, comma-separated
    status          TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'rejected', 'withdrawn')),
    corrects_id     BIGINT REFERENCES finance_entries(id),
    reason          TEXT NOT NULL DEFAULT '',      -- a correction's reason
    shop_move_id    BIGINT UNIQUE REFERENCES stock_moves(id),
    entered_by      BIGINT NOT NULL REFERENCES users(id),
    entered_at      BIGINT NOT NULL,
    updated_at      BIGINT NOT NULL,
    approved_by     BIGINT REFERENCES users(id),
    approved_at     BIGINT,
    rejected_by     BIGINT REFERENCES users(id),
    reject_reason   TEXT,
    withdrawn_by    BIGINT REFERENCES users(id),
    withdrawn_at    BIGINT,
    withdraw_reason TEXT,
    CHECK (approved_by IS NULL OR approved_by <> entered_by)
);
CREATE INDEX finance_entries_village ON finance_entries(village_id, occurred_on);
CREATE INDEX finance_entries_status ON finance_entries(village_id, status);

-- A published monthly statement: its totals, frozen when published, and its lines.
CREATE TABLE finance_statements (
    id            @ID@,
    village_id    BIGINT NOT NULL REFERENCES org_units(id),
    month         TEXT NOT NULL,                   -- YYYY-MM
    opening       BIGINT NOT NULL,
    income        BIGINT NOT NULL,
    expense       BIGINT NOT NULL,
    closing       BIGINT NOT NULL,
    entries       INTEGER NOT NULL,
    disclosure_id BIGINT REFERENCES disclosures(id),
    published_by  BIGINT NOT NULL REFERENCES users(id),
    published_at  BIGINT NOT NULL,
    UNIQUE (village_id, month)
);

CREATE TABLE finance_statement_lines (
    statement_id BIGINT NOT NULL REFERENCES finance_statements(id),
    category     TEXT NOT NULL REFERENCES finance_categories(code),
    amount       BIGINT NOT NULL,
    entries      INTEGER NOT NULL,
    PRIMARY KEY (statement_id, category)
);
