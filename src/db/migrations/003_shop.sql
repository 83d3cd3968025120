-- The points shop (积分超市): shops and their opening windows, goods, the stock
-- ledger (every change of stock is a movement), household cards with PINs,
-- receipts for redemptions and returns, and villagers' pre-orders.

CREATE TABLE shops (
    id              @ID@,
    unit_id         BIGINT NOT NULL REFERENCES org_units(id),  -- the village, or the town it serves
    name            TEXT NOT NULL,
    window_mode     TEXT NOT NULL DEFAULT 'always' CHECK (window_mode IN ('always', 'scheduled')),
    return_days     INTEGER NOT NULL DEFAULT 7,
    preorder_hours  INTEGER NOT NULL DEFAULT 72,
    receipt_seq     BIGINT NOT NULL DEFAULT 0,   -- numbers receipts per shop
    created_at      BIGINT NOT NULL,
    updated_at      BIGINT NOT NULL
);

-- The villages a shop serves (one for a village shop, several for a town's shop).
CREATE TABLE shop_villages (
    shop_id    BIGINT NOT NULL REFERENCES shops(id),
    village_id BIGINT NOT NULL REFERENCES org_units(id),
    PRIMARY KEY (shop_id, village_id)
);

-- Scheduled opening windows (e.g. a quarterly 集中兑换) when window_mode = 'scheduled'.
CREATE TABLE shop_windows (
    id        @ID@,
    shop_id   BIGINT NOT NULL REFERENCES shops(id),
    starts_at BIGINT NOT NULL,
    ends_at   BIGINT NOT NULL,
    note      TEXT NOT NULL DEFAULT ''
);
CREATE INDEX shop_windows_shop ON shop_windows(shop_id, ends_at);

CREATE TABLE goods (
    id            @ID@,
    shop_id       BIGINT NOT NULL REFERENCES shops(id),
    name          TEXT NOT NULL,
    category      TEXT NOT NULL DEFAULT '',
    photo_hash    TEXT REFERENCES files(hash),
    price_points  INTEGER NOT NULL CHECK (price_points > 0),
    unit          TEXT NOT NULL,                 -- 瓶, 袋, 个 …
    stock         INTEGER NOT NULL DEFAULT 0 CHECK (stock >= 0),   -- equals the sum of its movements
    limit_count   INTEGER NOT NULL DEFAULT 0,    -- per household per period; 0 = none
    limit_period  TEXT CHECK (limit_period IN ('month', 'quarter', 'year')),
    low_stock     INTEGER NOT NULL DEFAULT 0,
    active        INTEGER NOT NULL DEFAULT 1,
    created_at    BIGINT NOT NULL,
    updated_at    BIGINT NOT NULL
);
CREATE INDEX goods_shop ON goods(shop_id, active);

-- Household cards for villagers without a phone: a printed QR plus card number, used
-- with the household's PIN. Reissuing revokes the old card.
CREATE TABLE household_cards (
    id           @ID@,
    household_id BIGINT NOT NULL REFERENCES households(id),
    card_no      TEXT NOT NULL UNIQUE,
    pin_hash     TEXT NOT NULL,
    status       TEXT NOT NULL CHECK (status IN ('active', 'revoked')),
    issued_by    BIGINT NOT NULL REFERENCES users(id),
    created_at   BIGINT NOT NULL,
    revoked_at   BIGINT
);
CREATE INDEX household_cards_household ON household_cards(household_id, status);

-- A receipt: one redemption (sale) or one return, with its number and the ledger entry
-- it wrote. The idempotency key from the counter makes a retried confirmation return
-- the first receipt.
CREATE TABLE receipts (
    id              @ID@,
    shop_id         BIGINT NOT NULL REFERENCES shops(id),
    number          TEXT NOT NULL UNIQUE,
    kind            TEXT NOT NULL CHECK (kind IN ('sale', 'return')),
    household_id    BIGINT NOT NULL REFERENCES households(id),
    clerk_id        BIGINT NOT NULL REFERENCES users(id),
    total_points    INTEGER NOT NULL,
    original_id     BIGINT REFERENCES receipts(id),   -- for a return: the sale
    preorder_id     BIGINT,
    ledger_id       BIGINT REFERENCES ledger(id),
    idempotency_key TEXT,
    created_at      BIGINT NOT NULL,
    UNIQUE (shop_id, idempotency_key)
);
CREATE INDEX receipts_household ON receipts(household_id, created_at);
CREATE INDEX receipts_shop ON receipts(shop_id, created_at);

CREATE TABLE receipt_lines (
    receipt_id   BIGINT NOT NULL REFERENCES receipts(id),
    goods_id     BIGINT NOT NULL REFERENCES goods(id),
    goods_name   TEXT NOT NULL,
    quantity     INTEGER NOT NULL CHECK (quantity > 0),
    price_points INTEGER NOT NULL,
    PRIMARY KEY (receipt_id, goods_id)
);

-- Villagers' pre-orders: the goods are taken out of stock when reserved, charged when
-- collected at the counter, and put back when the reservation lapses or is cancelled.
CREATE TABLE preorders (
    id           @ID@,
    shop_id      BIGINT NOT NULL REFERENCES shops(id),
    household_id BIGINT NOT NULL REFERENCES households(id),
    status       TEXT NOT NULL CHECK (status IN ('reserved', 'collected', 'lapsed', 'cancelled')),
    expires_at   BIGINT NOT NULL,
    receipt_id   BIGINT REFERENCES receipts(id),
    created_by   BIGINT NOT NULL REFERENCES users(id),
    created_at   BIGINT NOT NULL,
    updated_at   BIGINT NOT NULL
);
CREATE INDEX preorders_due ON preorders(status, expires_at);

CREATE TABLE preorder_lines (
    preorder_id BIGINT NOT NULL REFERENCES preorders(id),
    goods_id    BIGINT NOT NULL REFERENCES goods(id),
    quantity    INTEGER NOT NULL CHECK (quantity > 0),
    PRIMARY KEY (preorder_id, goods_id)
);

-- The stock ledger (库存台账): every change of a good's stock, in quantity and money.
CREATE TABLE stock_moves (
    id          @ID@,
    shop_id     BIGINT NOT NULL REFERENCES shops(id),
    goods_id    BIGINT NOT NULL REFERENCES goods(id),
    kind        TEXT NOT NULL CHECK (kind IN ('in', 'out', 'return', 'adjust', 'reserve', 'release')),
    quantity    INTEGER NOT NULL,              -- signed: + into stock, − out of it
    unit_cost   BIGINT NOT NULL DEFAULT 0,     -- 分, for stock-in (and the value of other moves)
    funding     TEXT CHECK (funding IN ('集体经济', '捐赠', '财政', '其他')),
    supplier    TEXT NOT NULL DEFAULT '',
    photo_hash  TEXT REFERENCES files(hash),   -- the stock-in receipt
    reason      TEXT NOT NULL DEFAULT '',      -- adjustments: 损耗, 损坏, 盘点 …
    receipt_id  BIGINT REFERENCES receipts(id),
    preorder_id BIGINT REFERENCES preorders(id),
    actor_id    BIGINT,
    at          BIGINT NOT NULL
);
CREATE INDEX stock_moves_goods ON stock_moves(goods_id, at);
CREATE INDEX stock_moves_shop ON stock_moves(shop_id, at);
