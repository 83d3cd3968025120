// The shapes of the API's replies that the apps use (see docs/openapi.yaml).
export type { Page } from './api';

export interface Grant {
  role: string;
  role_label: string;
  unit_id: number;
  unit_name: string;
  unit_kind: string;
}

export interface SessionInfo {
  user_id: number;
  name: string;
  phone: string;
  resident_id: number;
  household_id: number;
  grants: Grant[];
}

export interface Unit {
  id: number;
  parent_id: number | null;
  kind: 'county' | 'town' | 'village' | 'group' | string;
  code: string;
  name: string;
  households: number;
}

export interface Household {
  id: number;
  village_id: number;
  village_name: string;
  group_id: number | null;
  group_name: string | null;
  number: string;
  address: string;
  residents: number;
  head_name: string;
  created_at: string;
  updated_at: string;
  lat: number | null;
  lng: number | null;
  grid_id?: number | null;
  grid_name?: string | null;
  members?: Resident[];
  // who looks after the household in the field (its page only)
  grid_workers?: { user_id: number; name: string; phone: string; role: string; role_label: string }[];
}

// A grid boundary: a GeoJSON Polygon or MultiPolygon with [lng, lat] positions.
export type Position = [number, number];
export interface PolygonGeometry {
  type: 'Polygon';
  coordinates: Position[][];
}
export interface MultiPolygonGeometry {
  type: 'MultiPolygon';
  coordinates: Position[][][];
}
export type Boundary = PolygonGeometry | MultiPolygonGeometry;

export interface GridStaff {
  user_id: number;
  name: string;
  role: string;
  role_label?: string;
}

// A grid 网格 of a village: its colour, its boundary (or null), household count and staff.
export interface Grid {
  id: number;
  code: string;
  name: string;
  color: string;
  boundary: Boundary | null;
  households: number;
  staff: GridStaff[];
}

// A household placed on the village map.
export interface MapHousehold {
  id: number;
  number: string;
  lat: number;
  lng: number;
  grid_id: number | null;
}

export interface Resident {
  id: number;
  household_id: number;
  name: string;
  gender: number;
  birth_date: string;
  age: number;
  idcard: string;
  idcard_full: boolean;
  idcard_revealable: boolean; // the reader may reveal the full number (audited)
  phone: string;
  relation: string;
  party_member: number;
  party_label: string;
  user_id: number | null;
  account_status: string;
}

export interface Activation {
  code: string;
  expires_at: string;
  user_id: number;
  phone: string;
  name: string;
}

export interface User {
  id: number;
  phone: string;
  name: string;
  status: string;
  resident_id: number | null;
  household_id: number | null;
  grants: Grant[];
}

export interface RoleDef {
  role: string;
  label: string;
  unit_kinds: string;
}

export interface AuditEntry {
  id: number;
  unit_id: number;
  unit_name: string;
  seq: number;
  actor_id: number;
  actor_name: string;
  at: string;
  object_type: string;
  object_id: number;
  action: string;
  before: unknown;
  after: unknown;
  hash: string;
}

export interface AuditVerify {
  ok: boolean;
  chains: number;
  entries: number;
  broken?: { unit_id: number; unit_name: string; seq: number; reason: string };
}

export interface ImportResult {
  imported: boolean;
  dry_run: boolean;
  rows: number;
  households_created: number;
  households_updated: number;
  residents_created: number;
  residents_updated: number;
  tags_set: number;
  resident_tags_set: number;
  unchanged: number;
}

export interface Rule {
  id: number;
  unit_id: number;
  template_id: number | null;
  category: string;
  name: string;
  points: number;
  photo_required: boolean;
  claim_by: 'self' | 'grid' | 'cadre' | string;
  claim_by_label: string;
  cap_count: number;
  cap_period: string | null;
  valid_from: string | null;
  valid_to: string | null;
  added_version_id: number;
  added_version_no: number;
  retired_version_id: number | null;
  retired_version_no: number | null;
  in_force: boolean;
}

export interface RuleCategories {
  items: { name: string; deduction: boolean }[];
  meeting_types: Record<string, string[]>;
  claim_by: { value: string; label: string }[];
  cap_periods: { value: string; label: string }[];
}

export interface RuleVersion {
  id: number;
  unit_id: number;
  version_no: number;
  meeting_type: string;
  meeting_date: string;
  note: string;
  created_by: number | null;
  created_by_name: string;
  created_at: string;
  added: { id: number; name: string; points: number }[];
  retired: { id: number; name: string; points: number }[];
}

export interface ClaimPhoto {
  n: number;
  mime: string;
  size: number;
  url: string;
}

export interface ClaimObjection {
  id: number;
  publicity_id: number;
  objector_name: string;
  reason: string;
  status: string;
  decision_reason: string;
  decided_by_name: string | null;
  created_at: string | null;
  decided_at: string | null;
}

export interface Claim {
  id: number;
  village_id: number;
  household_id: number;
  household_number: string;
  resident_id: number | null;
  resident_name: string | null;
  source: string;
  rule_id: number;
  rule_name: string;
  category: string;
  points: number;
  occurred_on: string;
  description: string;
  status: 'pending' | 'approved' | 'rejected' | 'credited' | 'cancelled' | string;
  review_reason: string;
  reviewer_name: string | null;
  reviewed_at: string | null;
  created_by: number;
  author_name: string;
  batch_id: string | null;
  activity_id: number | null;
  created_at: string;
  updated_at: string;
  photos: number;
  publicity: { id: number; status: string; starts_at: string; ends_at: string } | null;
  can_review: boolean;
  photo_list?: ClaimPhoto[];
  objections?: ClaimObjection[];
}

export interface LedgerEntry {
  id: number;
  seq: number;
  household_id: number;
  household_number: string;
  resident_id: number | null;
  resident_name: string;
  source: string;
  rule_name: string;
  category: string;
  spendable: number;
  honour: number;
  note: string;
  claim_id: number | null;
  ref_id: number | null;
  at: string;
  actor_name: string;
}

export interface Balances {
  spendable: number;
  honour: number;
}

export interface PublicityItem {
  id: number;
  name: string;
  household_id: number;
  household_number: string;
  source: string;
  rule_name: string;
  category: string;
  points: number;
  occurred_on: string;
  description: string;
  starts_at: string;
  ends_at: string;
  objections: number;
}

export interface PublicityPage {
  village: { id: number; name: string };
  items: PublicityItem[];
  ledger: { entries: number; head: string };
}

export interface Objection {
  id: number;
  publicity_id: number;
  claim_id: number;
  objector_name: string;
  reason: string;
  status: string;
  decision_reason: string;
  rule_name: string;
  name: string;
  points: number;
  created_at: string;
  decided_at: string | null;
}

export interface RankingRow {
  rank: number;
  household_id: number;
  household_number: string;
  name: string;
  points: number;
  village_id?: number;     // a town's ranking: the household's village
  village_name?: string;
}

export interface BlackRow {
  household_id: number;
  household_number: string;
  name: string;
  deductions: number;
  points: number;
  village_id?: number;
  village_name?: string;
}

export interface Ranking {
  id: number | null;
  village_id: number | null;    // null for a town's ranking
  village_name: string | null;
  unit_id: number;
  unit_name: string;
  unit_kind: string;
  period: string;
  period_label: string;
  period_start: string;
  period_end: string;
  red_list_size: number;
  households: number;
  ledger_count: number | null;  // null for a town's ranking
  ledger_hash: string | null;
  computed_at: string;
  published_at: string | null;
  published_id: number | null;
  rows: RankingRow[];
  red_list: RankingRow[];
  black_list: BlackRow[];
  mine?: RankingRow | null;
}

export interface RankingSummary {
  id: number;
  unit_id: number;
  unit_name: string;
  unit_kind: string;
  period: string;
  period_label: string;
  period_start: string;
  period_end: string;
  published_at: string;
}

export interface StatsCategory {
  category: string;
  issued: number;
  deducted: number;
  credited: number;
  credited_points: number;
}

export interface StatsUnit {
  id: number;
  parent_id: number;
  kind: string;
  name: string;
  households: number;
  participating: number;
  participation: number;
}

export interface PointsStats {
  unit_id: number;
  unit_kind: string;
  unit_name: string;
  period: string;
  period_label: string;
  issued: number;
  deducted: number;
  credited: number;
  credited_points: number;
  spent: number;
  corrections: number;
  corrected_points: number;
  households: number;
  participating: number;
  participation: number;
  categories: StatsCategory[];
  units: StatsUnit[];
}

export interface HouseholdCode {
  household_id: number;
  code: string;
  expires_at: string;
}

export interface Activity {
  id: number;
  village_id: number;
  village_name: string;
  rule_id: number;
  rule_name: string;
  category: string;
  points: number;
  title: string;
  place: string;
  starts_at: string;
  ends_at: string;
  capacity: number;
  signups: number;
  checked_in: number;
  places_left: number;
  created_by_name: string;
  created_at: string;
  checkin_opens_at: string;
  checkin_closes_at: string;
  checkin_open: boolean;
  status: 'upcoming' | 'ongoing' | 'ended' | string;
  can_manage: boolean;
  mine: { signed_up: boolean; checked_in: boolean; resident_id: number | null; claim_id: number | null } | null;
  signup_list?: {
    household_id: number; household_number: string; head_name: string; resident_id: number | null;
    resident_name: string; signed_at: string; checked_in_at: string | null; claim_id: number | null;
  }[];
}

// ---- the points shop (积分超市) ----

export interface Shop {
  id: number;
  unit_id: number;
  unit_kind: string;
  unit_name: string;
  name: string;
  window_mode: 'always' | 'scheduled' | string;
  return_days: number;
  preorder_hours: number;
  villages: { id: number; name: string }[];
  open: boolean;
  closed_message: string | null;
  goods: number;
  staff: boolean;
  can_admin: boolean;
  can_counter: boolean;
  created_at: string;
  updated_at: string;
  low_stock?: number;
}

export interface ShopWindow {
  id: number;
  shop_id: number;
  starts_at: string;
  ends_at: string;
  note: string;
  status: 'upcoming' | 'open' | 'ended' | string;
}

export interface Goods {
  id: number;
  shop_id: number;
  shop_name: string;
  name: string;
  category: string;
  unit: string;
  price_points: number;
  stock: number;
  limit_count: number;
  limit_period: 'month' | 'quarter' | 'year' | null;
  photo_url: string | null;
  active: boolean;
  // staff only
  photo_hash?: string | null;
  low_stock?: number;
  low?: boolean;
  created_at?: string;
  updated_at?: string;
}

export interface GoodsMove {
  move_id: number;
  goods: Goods;
}

export interface CounterGoods {
  id: number;
  name: string;
  category: string;
  unit: string;
  price_points: number;
  stock: number;
  limit_count: number;
  limit_period: string | null;
  used: number;
  remaining: number | null;
}

export interface CounterLookup {
  household: { id: number; number: string; masked_name: string; village_id: number; village_name: string };
  via: 'phone' | 'card' | string;
  card_no: string | null;
  spendable: number;
  honour: number;
  reserved_points: number;
  shop: { id: number; open: boolean; closed_message: string | null };
  goods: CounterGoods[];
}

export interface ReceiptLine {
  goods_id: number;
  goods_name: string;
  unit: string;
  quantity: number;
  price_points: number;
  points: number;
  returned?: number;
}

export interface Receipt {
  id: number;
  number: string;
  kind: 'sale' | 'return' | string;
  shop_id: number;
  shop_name: string;
  household_id: number;
  household_number: string;
  masked_name: string;
  clerk_id: number;
  clerk_name: string;
  total_points: number;
  original_id: number | null;
  original_number: string | null;
  preorder_id: number | null;
  ledger_id: number | null;
  created_at: string;
  returnable_until: string | null;
  lines: ReceiptLine[];
  return_ids: number[];
  // on the counter's replies only
  replayed?: boolean;
  spendable_after?: number;
}

export interface PreorderLine {
  goods_id: number;
  goods_name: string;
  unit: string;
  quantity: number;
  price_points: number;
  points: number;
}

export interface Preorder {
  id: number;
  shop_id: number;
  shop_name: string;
  household_id: number;
  household_number: string;
  masked_name: string;
  status: 'reserved' | 'collected' | 'lapsed' | 'cancelled' | string;
  expires_at: string;
  receipt_id: number | null;
  total_points: number;
  lines: PreorderLine[];
  created_at: string;
  updated_at: string;
}

export interface HouseholdCard {
  id: number;
  household_id: number;
  card_no: string;
  status: 'active' | 'revoked' | string;
  token: string | null;
  qr_png: string | null;
  qr_svg: string | null;
  issued_by: number;
  issued_by_name: string;
  created_at: string;
  revoked_at: string | null;
}

export interface StockQV {
  qty: number;
  value: number;
}

export interface StockLedgerRow {
  goods_id: number | null;
  name: string;
  unit: string;
  category: string;
  active: boolean;
  opening: StockQV;
  in: StockQV;
  out: StockQV;
  adjust: StockQV;
  reserved: StockQV;
  released: StockQV;
  closing: StockQV;
  sold: number;
  returned: number;
  points: number;
}

export interface StockLedger {
  shop_id: number;
  shop_name: string;
  from: string;
  to: string;
  period_start: string;
  period_end: string;
  costing: string;
  rows: StockLedgerRow[];
  total: StockLedgerRow;
  funding: { funding: string; count: number; qty: number; value: number }[];
  purchases: number;
  cost_of_redemptions: number;
  points: number;
}

export interface SalesGoods {
  goods_id: number;
  name: string;
  unit: string;
  category: string;
  sold: number;
  returned: number;
  qty: number;
  points: number;
  cost: number;
  households: number;
}

export interface ShopReport {
  shop_id: number;
  shop_name: string;
  from: string;
  to: string;
  period_start: string;
  period_end: string;
  granularity: 'day' | 'month' | string;
  sales: number;
  returns: number;
  households: number;
  qty: number;
  points: number;
  cost: number;
  purchases: number;
  by_goods: SalesGoods[];
  top_goods: SalesGoods[];
  by_household: { household_id: number; household_number: string; name: string; village: string; receipts: number; qty: number; points: number }[];
  by_period: { period: string; receipts: number; households: number; qty: number; points: number; cost: number }[];
  by_village: { village_id: number; name: string; receipts: number; households: number; qty: number; points: number; cost: number }[];
}
