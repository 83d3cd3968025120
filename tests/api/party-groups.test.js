// 党小组会 compliance per party group: each group of a branch holds its own monthly
// 党小组会; the demo's 青山村 has both groups meeting every month but the second group
// five months ago, which the town's board flags with the group's name; the branch's row
// carries each group's counts.
'use strict';

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { startServer } = require('./lib');

let s;
const must = (r, status) => {
  assert.equal(r.status, status, `${r.status} ${r.text}`);
  return r.json;
};
before(async () => { s = await startServer(); });
after(async () => { if (s) await s.close(); });

test('a group that did not meet is flagged by name; each group has its own counts', async () => {
  const cadre = await s.as('cadre');
  const town = await s.as('town_official');
  const me = must(await s.api('GET', '/api/v1/session', { token: cadre }), 200);
  const village = me.grants.find((g) => g.role === 'cadre').unit_id;
  const townId = must(await s.api('GET', `/api/v1/units/${village}`, { token: cadre }), 200).parent_id;
  const now = Math.floor(Date.parse((await s.advance(0)).now) / 1000);
  const d = new Date((now + 8 * 3600) * 1000);
  d.setUTCMonth(d.getUTCMonth() - 5, 15);
  const label = d.toISOString().slice(0, 7);
  const board = must(await s.api('GET', `/api/v1/party/compliance?unit=${townId}&year=${label.slice(0, 4)}`, { token: town }), 200);
  const branch = board.branches.find((b) => b.village_id === village);
  const flags = board.flags.filter((f) => f.branch_id === branch.branch_id && f.kind === 'group');
  assert.deepEqual(flags.map((f) => [f.period, f.group_name, f.state]), [[label, '第二党小组', 'missing']]);
  assert.deepEqual(branch.groups.map((g) => g.group_name), ['第一党小组', '第二党小组']);
  const [g1, g2] = branch.groups;
  assert.equal(g1.missing, 0);
  assert.equal(g2.missing, 1);
  assert.equal(g1.required, g2.required);
  assert.ok(g2.rate < 100 && g1.rate === 100);
  // the branch's totals count the 党小组会 of both groups
  const single = must(await s.api('GET', `/api/v1/party/compliance?unit=${village}&year=${label.slice(0, 4)}`, { token: cadre }), 200);
  assert.equal(single.branches[0].missing, branch.missing);
  assert.ok(single.branches[0].required >= g1.required + g2.required);
});
