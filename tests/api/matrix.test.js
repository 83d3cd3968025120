// The endpoint × role × scope matrix. Every route of every feature's route table
// (src/http/*/routes.c, parsed here as tests/openapi does) is called by every role of
// the demo county, in scope and out of scope, and the answer is compared with the table
// EXPECT below. A route without a row fails the test, and so does a row without a route.
//
// The rule (written once in src/domain/kernel/access.h):
//   outside every grant of the caller      → 404 (the object's existence is not revealed)
//   visible to the caller but not allowed  → 403
//   allowed                                → the operation runs (2xx, or 400/409/… for the
//                                            request's content, never 403/404 for access)
//
// The targets all lie in the demo village 青山村 (village 3, town 2): household 1 is the
// demo villager's, in grid 13. The callers out of scope are made here:
//   vil2   a villager of another household of the same village, in grid 12
//   gwg    the demo grid worker of grid 12 (another grid)
//   cadV2  a cadre of another village of the same town
//   townT2 a town official of another town
//   cadT2  a cadre of a village in that other town
//
// Answers: a = allowed and done (2xx); x = allowed, refused for its content (400, 409,
// 410, 422, 429); F = 403; N = 404; U = 401. Mutations run on objects made for this test,
// callers in the order of the columns, so the most powerful write last.
//
// Record the current answers (to review a new route's row):
//   MATRIX_RECORD=/tmp/matrix.txt CUNZHI_BIN=$PWD/build/cunzhi node --test tests/api/matrix.test.js
'use strict';

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { startServer, makeIdcard, pngPixel, PHONES, PASSWORD } = require('./lib');
const mediaSamples = require('./media_samples');

const COLS = ['anon', 'cadT2', 'townT2', 'cadV2', 'vil2', 'gwg', 'villager', 'handler', 'operator', 'assessor',
  'grid_worker', 'inspector', 'clerk', 'town_official', 'cadre', 'county_admin'];

/* eslint-disable key-spacing */
// columns:                                            anon cadT2 townT2 cadV2 vil2 gwg villager handler operator assessor grid_worker inspector clerk town_official cadre county_admin
const EXPECT = {
  'GET /api/v1/stats/points':                          'U N N N F F F N F a a a F a a a',
  'GET /api/v1/stats/register':                        'U N N N F F F N F a a a F a a a',
  'GET /api/v1/dashboards/:unit_id':                   'U N N N F F F N a a a a a a a a',
  'GET /api/v1/dashboards/:unit_id/export.xlsx':       'U N N N F F F N a a a a a a a a',
  'GET /api/v1/dashboards/:unit_id/series':            'U N N N F F F N a a a a a a a a',
  'GET /api/v1/dashboards/:unit_id/report.xlsx':       'U N N N F F F N a a a a a a a a',
  'GET /api/v1/display-tokens':                        'U F F F F F F F F F F F F F F a',
  'POST /api/v1/display-tokens':                       'U N N N F F F N F F F F F F F a',
  'DELETE /api/v1/display-tokens/:id':                 'U N N N F F F N F F F F F F F a',
  'GET /api/v1/display/:token':                        'N N N N N N N N N N N N N N N N',
  'GET /api/v1/events':                                'U N N N a a a N a a a a a a a a',
  'POST /api/v1/events':                               'U N N N a a a N x F a F F F a F',
  'GET /api/v1/events/:id':                            'U N N N N a N N a N a a N a a a',
  'GET /api/v1/events/:id/photos/:n':                  'U N N N N N N N N N N N N N N N',
  'GET /api/v1/events/:id/media/:mid':                 'U N N N N a a N a N a a N a a a',
  'POST /api/v1/events/:id/actions/:action':           'U N N N N F N N F N F F N a x x',
  'POST /api/v1/events/:id/supervisions':              'U N N N N F N N F N F F N a F a',
  'POST /api/v1/events/:id/supervisions/:sid/answer':  'U N N N N N N N N N N N N N N N',
  'GET /api/v1/event-stats':                           'U N N N a a a N a a a a a a a a',
  'GET /api/v1/event-warnings':                        'U N N N a a a N a a a a a a a a',
  'GET /api/v1/event-categories':                      'U a a a a a a a a a a a a a a a',
  'POST /api/v1/event-categories':                     'U F F F F F F F F F F F F F F a',
  'PATCH /api/v1/event-categories/:id':                'U F F F F F F F F F F F F F F a',
  'GET /api/v1/event-channels':                        'U a a a a a a a a a a a a a a a',
  'POST /api/v1/event-channels':                       'U F F F F F F F F F F F F F F a',
  'GET /api/v1/event-departments':                     'U a a a a a a a a a a a a a a a',
  'POST /api/v1/event-departments':                    'U N N F F F F N F F F F F F F a',
  'GET /api/v1/holidays':                              'U a a a a a a a a a a a a a a a',
  'PUT /api/v1/holidays/:day':                         'U F F F F F F F F F F F F F F a',
  'GET /api/v1/public/villages/:id/events':            'a a a a a a a a a a a a a a a a',
  'POST /api/v1/public/villages/:id/events':           'x x x x x x x x x x x x x x x x',
  'GET /api/v1/public/villages/:id/events/:code':      'N N N N N N N N N N N N N N N N',
  'GET /api/v1/public/villages/:id/events/:code/media/:mid': 'N N N N N N N N N N N N N N N N',
  'GET /healthz':                                      'a a a a a a a a a a a a a a a a',
  'GET /api/v1/roles':                                 'U a a a a a a a a a a a a a a a',
  'GET /api/v1/units':                                 'U N N N a a a N a a a a a a a a',
  'POST /api/v1/units':                                'U N N N F F F N F F F F F F a a',
  'GET /api/v1/units/:id':                             'U N N N a a a N a a a a a a a a',
  'PATCH /api/v1/units/:id':                           'U N N N F F F N F F F F F F a a',
  'GET /api/v1/audit':                                 'U N N N F F F N F F F a F a a a',
  'GET /api/v1/audit/verify':                          'U F F F F F F F F F F a F F F a',
  'POST /api/v1/test/clock':                           'a a a a a a a a a a a a a a a a',
  'GET /api/v1/notices':                               'U F F F F F F F F F F a F a a a',
  'POST /api/v1/notices':                              'U F F F F F F F F F F F F a a a',
  'GET /api/v1/notices/:id':                           'U N N N a N a N N N N a N a a a',
  'PATCH /api/v1/notices/:id':                         'U N N N F N F N N N N F N x x x',
  'POST /api/v1/notices/:id/withdraw':                 'U N N N F N F N N N N F N a x x',
  'POST /api/v1/notices/:id/read':                     'U N N N a N a N N N N F N F F F',
  'GET /api/v1/notices/:id/unread-households':         'U N N N F N F N N N N a N a a a',
  'GET /api/v1/rule-categories':                       'U a a a a a a a a a a a a a a a',
  'GET /api/v1/units/:id/rules':                       'U F F F a a a F a a a a a a a a',
  'GET /api/v1/units/:id/rule-versions':               'U F F F a a a F a a a a a a a a',
  'POST /api/v1/units/:id/rule-versions':              'U F F F F F F F F F F F F F x F',
  'GET /api/v1/rules/:id':                             'U N N N a a a N a a a a a a a a',
  'POST /api/v1/files':                                'U a a a a a a a a a a a a a a a',
  'GET /api/v1/claims':                                'U N N N a a a N a a a a a a a a',
  'POST /api/v1/claims':                               'U x x x x x x x x x x x x x x x',
  'GET /api/v1/claims/:id':                            'U N N N N N a N N a a a N a a a',
  'GET /api/v1/claims/:id/photos/:n':                  'U N N N N N N N N N N N N N N N',
  'POST /api/v1/claims/:id/review':                    'U N N N N N F N N a F F N F x F',
  'POST /api/v1/awards':                               'U x x x x x x x x x x x x x x x',
  'GET /api/v1/public/villages/:id/publicity':         'a a a a a a a a a a a a a a a a',
  'GET /api/v1/public/villages/:id':                   'a a a a a a a a a a a a a a a a',
  'GET /api/v1/public/villages/:id/qr.svg':            'a a a a a a a a a a a a a a a a',
  'POST /api/v1/publicity/:id/objections':             'U N N N x F F N F F F F F F F F',
  'GET /api/v1/objections':                            'U N N N F F F N F a F a F a a a',
  'GET /api/v1/villages/:id/points-settings':          'U N N N a a a N a a a a a a a a',
  'PUT /api/v1/villages/:id/points-settings':          'U x x x x x x x x x x x x x x x',
  'GET /api/v1/households/:id/ledger':                 'U N N N N N a N N a a a N a a a',
  'GET /api/v1/villages/:id/ledger':                   'U N N N F F F N F a a a F a a a',
  'POST /api/v1/ledger/:id/correction':                'U N N N F F F N F F F F F F x F',
  'GET /api/v1/villages/:id/ledger-corrections':       'U N N N F F F N F F F F F F a F',
  'POST /api/v1/ledger-corrections/:id/decision':      'U N N N N N N N N N N N N N N N',
  'POST /api/v1/activities':                           'U F F F F F F F F F F F F F a F',
  'GET /api/v1/activities':                            'U F F F a F a F F a a a F a a a',
  'POST /api/v1/activities/checkin':                   'U x x x x x x x x x x x x x x x',
  'GET /api/v1/activities/:id':                        'U N N N a N a N N a a a N a a a',
  'POST /api/v1/activities/:id/signup':                'U N N N x N a N N F F F N F F F',
  'DELETE /api/v1/activities/:id/signup':              'U N N N N N a N N F F F N F F F',
  'GET /api/v1/activities/:id/checkin-code':           'U N N N F N F N N F F F N F x F',
  'GET /api/v1/activities/:id/checkin-code.svg':       'U N N N F N F N N F F F N F x F',
  'GET /api/v1/activities/:id/checkin-code.png':       'U N N N F N F N N F F F N F x F',
  'POST /api/v1/activities/:id/checkin':               'U N N N F N F N N F F F N F x F',
  'GET /api/v1/households/:id/code':                   'U F F F F F a F F F F F F F F F',
  'GET /api/v1/households/:id/code.svg':               'U F F F F F a F F F F F F F F F',
  'GET /api/v1/households/:id/code.png':               'U F F F F F a F F F F F F F F F',
  'GET /api/v1/rankings':                              'U F F F a a a F a a a a a a a a',
  'GET /api/v1/rankings/mine':                         'U F F F a a a F a a a a a a a a',
  'POST /api/v1/rankings':                             'U N N N F F F N F F F F F F a F',
  'GET /api/v1/public/villages/:id/rankings':          'a a a a a a a a a a a a a a a a',
  'GET /api/v1/public/rankings/:id':                   'N N N N N N N N N N N N N N N N',
  'GET /api/v1/public/rankings/:id/poster':            'N N N N N N N N N N N N N N N N',
  'GET /api/v1/public/rankings/:id/export.xlsx':       'N N N N N N N N N N N N N N N N',
  'GET /api/v1/households/:id/ledger/export.xlsx':     'U N N N N N a N N a a a N a a a',
  'GET /api/v1/villages/:id/ledger/export.xlsx':       'U N N N F F F N F a a a F a a a',
  'POST /api/v1/session':                              'U U U U U x x x x x x x x x x x',
  'GET /api/v1/session':                               'U a a a a a a a a a a a a a a a',
  'DELETE /api/v1/session':                            'U a a a a a a a a a a a a a a a',
  'POST /api/v1/session/password':                     'U x x x x x x x x x x x x x x x',
  'POST /api/v1/activation':                           'x x x x x x x x x x x x x x x x',
  'GET /api/v1/villages/:id/grids':                    'U F F F a a a F a a a a a a a a',
  'GET /api/v1/villages/:id/map':                      'U F F F F a F F F a a a F a a a',
  'GET /api/v1/grids/:id':                             'U N N N a a a N a a a a a a a a',
  'PUT /api/v1/grids/:id':                             'U N N N F F F N F F F F F F a a',
  'POST /api/v1/grids/:id/assign':                     'U N N N F F F N F F F F F F a a',
  'GET /api/v1/households':                            'U N N N F F F N F a a a F a a a',
  'POST /api/v1/households':                           'U N N N F F F N F F F F F F a a',
  'GET /api/v1/households/:id':                        'U N N N N N a N N a a a N a a a',
  'PATCH /api/v1/households/:id':                      'U N N N N N F N N F F F N F a a',
  'POST /api/v1/residents':                            'U x x x x x F x x F F F x F a a',
  'GET /api/v1/residents/:id':                         'U N N N N N a N N a a a N a a a',
  'GET /api/v1/residents/:id/idcard':                  'U N N N N N F N N F F F N F a a',
  'PATCH /api/v1/residents/:id':                       'U N N N N N F N N F F F N F a a',
  'POST /api/v1/residents/:id/activation':             'U N N N N N F N N F F F N F a a',
  'POST /api/v1/imports/households':                   'U x x x x x x x x x x x x x x x',
  'GET /api/v1/imports/households/template':           'U a a a a a a a a a a a a a a a',
  'GET /api/v1/users':                                 'U N N N F F F N F F F F F F a a',
  'POST /api/v1/users':                                'U F F F F F F F F F F F F F F a',
  'GET /api/v1/users/:id':                             'U N N N N N a N N N N N N N a a',
  'POST /api/v1/users/:id/grants':                     'U N N N F F F N F F F F F F F a',
  'DELETE /api/v1/users/:id/grants':                   'U N N N F F F N F F F F F F F a',
  'GET /api/v1/shops':                                 'U N N N a F a N F a a a a a a a',
  'POST /api/v1/shops':                                'U N N N F F F N F F F F a F a F',
  'GET /api/v1/shops/:id':                             'U N N N a N a N N a a a a a a a',
  'PATCH /api/v1/shops/:id':                           'U N N N F N F N N F F F a F a F',
  'GET /api/v1/shops/:id/windows':                     'U N N N a N a N N a a a a a a a',
  'POST /api/v1/shops/:id/windows':                    'U N N N F N F N N F F F x F x F',
  'DELETE /api/v1/shop-windows/:id':                   'U N N N F N F N N F F F a N N N',
  'GET /api/v1/shops/:id/goods':                       'U N N N a N a N N a a a a a a a',
  'POST /api/v1/shops/:id/goods':                      'U N N N F N F N N F F F x F x F',
  'GET /api/v1/goods/:id':                             'U N N N a N a N N a a a a a a a',
  'PATCH /api/v1/goods/:id':                           'U N N N F N F N N F F F a F a F',
  'GET /api/v1/goods/:id/photo':                       'U N N N N N N N N N N N N N N N',
  'POST /api/v1/goods/:id/stock-in':                   'U N N N F N F N N F F F a F a F',
  'POST /api/v1/goods/:id/adjustments':                'U N N N F N F N N F F F x F x F',
  'GET /api/v1/shops/:id/stock-ledger':                'U N N N F N F N N F F x x x x x',
  'GET /api/v1/shops/:id/stock-ledger/export.xlsx':    'U N N N F N F N N F F x x x x x',
  'GET /api/v1/shops/:id/low-stock':                   'U N N N F N F N N F F a a a a a',
  'GET /api/v1/shops/:id/reports':                     'U N N N F N F N N F F x x x x x',
  'GET /api/v1/shops/:id/reports/export.xlsx':         'U N N N F N F N N F F x x x x x',
  'POST /api/v1/households/:id/cards':                 'U N N N N N F N N F F F N F a F',
  'GET /api/v1/households/:id/cards':                  'U N N N N N a N N F F F a F a F',
  'GET /api/v1/cards/:id':                             'U N N N N N F N N F F F a F a F',
  'POST /api/v1/cards/:id/revoke':                     'U N N N N N F N N F F F x F x F',
  'GET /api/v1/cards/:id/qr.png':                      'U N N N N N F N N F F F x F x F',
  'GET /api/v1/cards/:id/qr.svg':                      'U N N N N N F N N F F F x F x F',
  'GET /api/v1/counter/households':                    'U N N N F N F N N F F F a F a F',
  'POST /api/v1/counter/lookup':                       'U N N N F N F N N F F F x F x F',
  'POST /api/v1/counter/redeem':                       'U N N N F N F N N F F F x F x F',
  'POST /api/v1/counter/returns':                      'U x x x x x x x x x x x x x x x',
  'GET /api/v1/receipts/:id':                          'U N N N N N N N N N N N N N N N',
  'GET /api/v1/households/:id/receipts':               'U N N N N N a N N a a a a a a a',
  'POST /api/v1/preorders':                            'U N N N x N x N N F F F F F F F',
  'GET /api/v1/preorders':                             'U N N N F N F N N F F F a F a F',
  'GET /api/v1/preorders/:id':                         'U N N N N N N N N N N N N N N N',
  'POST /api/v1/preorders/:id/collect':                'U N N N N N N N N N N N N N N N',
  'POST /api/v1/preorders/:id/cancel':                 'U N N N N N N N N N N N N N N N',
  // lists 清单制: templates, a village's adopted lists, execution records (O.execution: a service request of
  // household 1 started by the cadre, at its step O.step of the cadre's), statistics, the board, public pages
  'GET /api/v1/list-templates':                        'U a a a a a a a a a a a a a a a',
  'POST /api/v1/list-templates':                       'U F F F F F F F F F F F F F F a',
  'PATCH /api/v1/list-templates/:id':                  'U F F F F F F F F F F F F F F a',
  'GET /api/v1/lists':                                 'U N N N a a a N a a a a a a a a',
  'GET /api/v1/lists/items/:id':                       'U N N N a a a N a a a a a a a a',
  'GET /api/v1/lists/versions':                        'U N N N a a a N a a a a a a a a',
  'POST /api/v1/lists/versions':                       'U N N N F F F N F F F F F F x F',
  'GET /api/v1/executions':                            'U N N N a a a N a a a a a a a a',
  'POST /api/v1/executions':                           'U x x x F F a x F F a F F F a F',
  'GET /api/v1/executions/:id':                        'U N N N N N a N N a a a N a a a',
  'GET /api/v1/executions/:id/photos/:n':              'U N N N N N N N N N N N N N N N',
  'GET /api/v1/executions/:id/steps/:step/photos/:n':  'U N N N N N N N N N N N N N N N',
  'POST /api/v1/executions/:id/steps/:step':           'U N N N N N F N N F F F N F a F',
  'POST /api/v1/executions/:id/close':                 'U N N N N N a N N F F F N F x F',
  'GET /api/v1/list-stats':                            'U N N N F F F N F a a a F a a a',
  'GET /api/v1/list-board':                            'U N N F F F F N F F F a F a F a',
  'GET /api/v1/public/villages/:id/lists':             'a a a a a a a a a a a a a a a a',
  'GET /api/v1/public/villages/:id/lists/outcomes':    'a a a a a a a a a a a a a a a a',
  // transparency 三务公开 and 大事记 (withdrawals on their own demo objects)
  'GET /api/v1/disclosures':                           'U N N N a a a N a a a a a a a a',
  'POST /api/v1/disclosures':                          'U N N N F F F N F F F F F F a F',
  'GET /api/v1/disclosures/:id':                       'U N N N a a a N a a a a a a a a',
  'PATCH /api/v1/disclosures/:id':                     'U N N N F F F N F F F F F F a F',
  'POST /api/v1/disclosures/:id/withdraw':             'U N N N F F F N F F F F F F a F',
  'GET /api/v1/disclosures/:id/files/:n':              'U N N N N N N N N N N N N N N N',
  'POST /api/v1/disclosures/:id/questions':            'U N N N a F a N F F F F F F F F',
  'GET /api/v1/disclosure-questions':                  'U N N N F F F N F F F a F a a a',
  'POST /api/v1/disclosure-questions/:id/answer':      'U N N N F F F N F F F F F F a F',
  'GET /api/v1/disclosure-board':                      'U N N N F F F N F F F a F a a a',
  'GET /api/v1/disclosure-settings':                   'U a a a a a a a a a a a a a a a',
  'PUT /api/v1/disclosure-settings':                   'U F F F F F F F F F F F F F F a',
  'GET /api/v1/public/villages/:id/disclosures':       'a a a a a a a a a a a a a a a a',
  'GET /api/v1/public/villages/:id/disclosures/:item': 'a a a a a a a a a a a a a a a a',
  'GET /api/v1/public/villages/:id/disclosures/:item/files/:n':'N N N N N N N N N N N N N N N N',
  'GET /api/v1/chronicle':                             'U N N N a a a N a a a a a a a a',
  'POST /api/v1/chronicle':                            'U N N N F F F N F F F F F F a F',
  'GET /api/v1/chronicle/:id':                         'U N N N a a a N a a a a a a a a',
  'PATCH /api/v1/chronicle/:id':                       'U N N N F F F N F F F F F F a F',
  'POST /api/v1/chronicle/:id/withdraw':               'U N N N F F F N F F F F F F a F',
  'GET /api/v1/chronicle/:id/photos/:n':               'U N N N N N N N N N N N N N N N',
  'GET /api/v1/public/villages/:id/chronicle':         'a a a a a a a a a a a a a a a a',
  'GET /api/v1/public/villages/:id/chronicle/:item/photos/:n':'N N N N N N N N N N N N N N N N',
  // village finance 村级财务 (entries made here by an accountant of the village; the cadre approves)
  'GET /api/v1/finance/categories':                    'U a a a a a a a a a a a a a a a',
  'GET /api/v1/finance/entries':                       'U N N N F F F N F F F a F a a a',
  'POST /api/v1/finance/entries':                      'U N N N F F F N F F F F F F a F',
  'GET /api/v1/finance/entries/:id':                   'U N N N N N N N N N N a N a a a',
  'PATCH /api/v1/finance/entries/:id':                 'U N N N N N N N N N N F N F a F',
  'POST /api/v1/finance/entries/:id/approve':          'U N N N N N N N N N N F N F a F',
  'POST /api/v1/finance/entries/:id/reject':           'U N N N N N N N N N N F N F a F',
  'POST /api/v1/finance/entries/:id/withdraw':         'U N N N N N N N N N N F N F a F',
  'GET /api/v1/finance/entries/:id/vouchers/:n':       'U N N N N N N N N N N N N N N N',
  'GET /api/v1/finance/statements':                    'U N N N a F a N F F F a F a a a',
  'POST /api/v1/finance/statements':                   'U N N N F F F N F F F F F F x F',
  'GET /api/v1/finance/statements/:id':                'U N N N a F a N F F F a F a a a',
  'GET /api/v1/finance/month':                         'U N N N a F a N F F F a F a a a',
  'GET /api/v1/finance/entries-export.xlsx':           'U N N N F F F N F F F a F a a a',
  'GET /api/v1/finance/statements-export.xlsx':        'U N N N F F F N F F F a F a a a',
  'GET /api/v1/party/branches':                        'U N N N F F a N F F F a F a a a',
  'POST /api/v1/party/branches':                       'U N N N F F F N F F F F F F a F',
  'POST /api/v1/party/branches/:id/groups':            'U N N N F F F N F F F F F F a F',
  'GET /api/v1/party/members':                         'U N N N F F F N F F F a F a a a',
  'POST /api/v1/party/members':                        'U N N N F F F N F F F F F F a F',
  'GET /api/v1/party/members/:id':                     'U N N N F F F N F F F a F a a a',
  'PATCH /api/v1/party/members/:id':                   'U N N N F F F N F F F F F F a F',
  'POST /api/v1/party/members/:id/status':             'U N N N F F F N F F F F F F x F',
  'GET /api/v1/party/me':                              'U N N N N N a N N N N N N N N N',
  'GET /api/v1/party/stats':                           'U N N N F F F N F F F a F a a a',
  'GET /api/v1/party/settings':                        'U a a a a a a a a a a a a a a a',
  'PUT /api/v1/party/settings':                        'U F F F F F F F F F F F F F F a',
  'GET /api/v1/party/meetings':                        'U N N N F F a N F F F a F a a a',
  'POST /api/v1/party/meetings':                       'U N N N F F F N F F F F F F a F',
  'GET /api/v1/party/meetings/:id':                    'U N N N F F a N F F F a F a a a',
  'PATCH /api/v1/party/meetings/:id':                  'U N N N F F F N F F F F F F a F',
  'GET /api/v1/party/meetings/:id/photos/:n':          'U N N N F F N N F F F N F N N N',
  'GET /api/v1/party/meetings/:id/minutes-photos/:n':  'U N N N F F N N F F F N F N N N',
  'PUT /api/v1/party/meetings/:id/attendance':         'U N N N F F F N F F F F F F a F',
  'POST /api/v1/party/meetings/:id/checkin':           'U N N N F F x N F F F F F F F F',
  'GET /api/v1/party/compliance':                      'U N N N F F F N F F F a F a a a',
  'GET /api/v1/party/commitments':                     'U N N N a a a N a a a a a a a a',
  'POST /api/v1/party/commitments':                    'U N N N F F F N F F F F F F a F',
  'GET /api/v1/party/commitments/:id':                 'U N N N a a a N a a a a a a a a',
  'PATCH /api/v1/party/commitments/:id':               'U N N N F F F N F F F F F F a F',
  'GET /api/v1/party/commitments/:id/photos/:n':       'U N N N N N N N N N N N N N N N',
  'GET /api/v1/party/commitments/:id/video':           'U N N N N N N N N N N N N N N N',
  'POST /api/v1/party/commitments/:id/progress':       'U N N N F F F N F F F F F F x F',
  'POST /api/v1/party/commitments/:id/comments':       'U N N N a a a N a a a a a a a a',
  'GET /api/v1/party/diary':                           'U N N N a a a N a a a a a a a a',
  'POST /api/v1/party/diary':                          'U N N N F F a N F F F F F F a F',
  'GET /api/v1/party/diary-stats':                     'U N N N F F F N F F F a F a a a',
  'GET /api/v1/party/questions':                       'U N N N a a a N a a a a a a a a',
  'POST /api/v1/party/questions':                      'U N N N a a a N a a a a a a a a',
  'POST /api/v1/party/questions/:id/answer':           'U N N N F F F N F F F F F F a F',
  'POST /api/v1/party/questions/:id/convert':          'U N N N F F F N F F F F F F a F',
  'GET /api/v1/public/villages/:id/party':             'a a a a a a a a a a a a a a a a',
  // disputes 矛盾纠纷 and emergencies 应急事件 (a demo dispute in mediation; an open emergency made here)
  'GET /api/v1/disputes':                              'U N N N F a F N a F a a F a a a',
  'POST /api/v1/disputes':                             'U N N N a a a N x F a F F F a F',
  'GET /api/v1/disputes/:id':                          'U N N N N a N N a N a a N a a a',
  'GET /api/v1/disputes/:id/agreement-photo':          'U N N N N N N N N N N N N N N N',
  'GET /api/v1/disputes/:id/sessions/:sid/photos/:n':  'U N N N N N N N N N N N N N N N',
  'GET /api/v1/disputes/:id/mediator-candidates':      'U N N N N F N N F N F F N a a a',
  'POST /api/v1/disputes/:id/mediators':               'U N N N N F N N F N F F N x x x',
  'DELETE /api/v1/disputes/:id/mediators/:user_id':    'U N N N N F N N F N F F N x x x',
  'POST /api/v1/disputes/:id/sessions':                'U N N N N F N N F N a F N a a a',
  'POST /api/v1/disputes/:id/outcome':                 'U N N N N F N N F N x F N x x x',
  'POST /api/v1/disputes/:id/followup':                'U N N N N F N N F N x F N x x x',
  'GET /api/v1/dispute-stats':                         'U N N N F a F N a F a a F a a a',
  'GET /api/v1/dispute-settings':                      'U a a a a a a a a a a a a a a a',
  'PUT /api/v1/dispute-settings':                      'U F F F F F F F F F F F F F F a',
  'GET /api/v1/my/disputes':                           'U a a a a a a a a a a a a a a a',
  'GET /api/v1/my/disputes/:id':                       'U N N N N N a N N N N N N N N N',
  'GET /api/v1/emergencies':                           'U a a a a a a a a a a a a a a a',
  'POST /api/v1/emergencies':                          'U N N N a a a N x F a F F F a F',
  'GET /api/v1/emergency-alerts':                      'U a a a a a a a a a a a a a a a',
  'GET /api/v1/emergency-alerts/stream':               'U a a a F F F F F F F F F a a a',
  'GET /api/v1/emergencies/:id':                       'U N N N N a N N a N a a N a a a',
  'POST /api/v1/emergencies/:id/ack':                  'U N N N N F N N F N F F N a a a',
  'POST /api/v1/emergencies/:id/broadcast':            'U N N N N F N N F N F F N a a a',
  'GET /api/v1/party/courses':                         'U N N N a a a N a a a a a a a a',
  'POST /api/v1/party/courses':                        'U N N F F F F N F F F F F a F a',
  'GET /api/v1/party/courses/:id':                     'U N N a a a a N a a a a a a a a',
  'PATCH /api/v1/party/courses/:id':                   'U N N F F F F N F F F F F a F a',
  'GET /api/v1/party/courses/:id/photos/:n':           'U N N N N N N N N N N N N N N N',
  'GET /api/v1/party/courses/:id/media':               'U N N N N N N N N N N N N N N N',
  'POST /api/v1/party/courses/:id/study':              'U N N F a F a N F F F F F F F F',
  'PUT /api/v1/party/study-sessions/:id':              'U N N N N N a N N N N N N N N N',
  'GET /api/v1/party/quizzes':                         'U N N N a a a N a a a a a a a a',
  'POST /api/v1/party/quizzes':                        'U N N F F F F N F F F F F a F a',
  'GET /api/v1/party/quizzes/:id':                     'U N N a a a a N a a a a a a a a',
  'PATCH /api/v1/party/quizzes/:id':                   'U N N F F F F N F F F F F a F a',
  'POST /api/v1/party/quizzes/:id/attempts':           'U N N F a F a N F F F F F F F F',
  'GET /api/v1/party/study-records':                   'U N N N F F F N F F F a F a a a',
  'GET /api/v1/party/members/:id/study':               'U N N N F F F N F F F a F a a a',
  'GET /api/v1/party/my-study':                        'U a a a a a a a a a a a a a a a',
  'POST /api/v1/party/member-import':                  'U N N N F F F N F F F F F F x F',
  'GET /api/v1/party/member-import/template':          'U a a a a a a a a a a a a a a a',
  // the village's voice: broadcasts, their live stream and audio, loudspeakers (device routes take a device token: U)
  'GET /api/v1/broadcasts':                            'U N N N a F a N F F F a F a a a',
  'POST /api/v1/broadcasts':                           'U N N N F F F N F F F F F a a a',
  'GET /api/v1/broadcasts/stream':                     'U a a a a a a a a a a a a a a a',
  'GET /api/v1/broadcasts/:id/audio':                  'U N N N a F a N F F F a F a a a',
  'GET /api/v1/speakers':                              'U N N N F F F N F F F a F a a a',
  'POST /api/v1/speakers':                             'U N N N F F F N F F F F F F a a',
  'POST /api/v1/speakers/:id/revoke':                  'U N N N F F F N F F F F F F a x',
  'GET /api/v1/speakers/stream':                       'U U U U U U U U U U U U U U U U',
  'POST /api/v1/speakers/ack':                         'U U U U U U U U U U U U U U U U',
  'GET /api/v1/talks':                                 'U N N N a F a N F F F a F a a a',
  'POST /api/v1/talks':                                'U F F F a F a F F F F F F F F F',
  'GET /api/v1/talks/:id':                             'U N N N a F a N F F F a F a a a',
  'POST /api/v1/talks/:id/replies':                    'U N N N a F a N F F F F F F a F',
  'POST /api/v1/talks/:id/resolve':                    'U N N N F F F N F F F F F F a F',
  'POST /api/v1/talks/:id/hide':                       'U N N N F F F N F F F F F F a F',
  'POST /api/v1/talks/:id/event':                      'U N N N F F F N F F F F F F a F',
  'POST /api/v1/talks/:id/council':                    'U N N N F F F N F F F F F F a F',
  // Open311 GeoReport v2: public reads; filing needs a client key, not a login (x: refused for the key)
  'GET /api/v1/open311-keys':                          'U F F F F F F F F F F F F F F a',
  'POST /api/v1/open311-keys':                         'U x x x x x x x x x x x x x x x',
  'DELETE /api/v1/open311-keys/:id':                   'U N N N N N N N N N N N N N N N',
  'GET /open311/v2/discovery.json':                    'a a a a a a a a a a a a a a a a',
  'GET /open311/v2/discovery.xml':                     'a a a a a a a a a a a a a a a a',
  'GET /open311/v2/services.json':                     'a a a a a a a a a a a a a a a a',
  'GET /open311/v2/services.xml':                      'a a a a a a a a a a a a a a a a',
  'GET /open311/v2/services/:service_code':            'N N N N N N N N N N N N N N N N',
  'GET /open311/v2/requests.json':                     'a a a a a a a a a a a a a a a a',
  'GET /open311/v2/requests.xml':                      'a a a a a a a a a a a a a a a a',
  'POST /open311/v2/requests.json':                    'x x x x x x x x x x x x x x x x',
  'POST /open311/v2/requests.xml':                     'x x x x x x x x x x x x x x x x',
  'GET /open311/v2/requests/:service_request_id':      'N N N N N N N N N N N N N N N N',
  'GET /open311/v2/requests/:service_request_id/media/:n':'N N N N N N N N N N N N N N N N',
  'GET /open311/v2/tokens/:token':                     'N N N N N N N N N N N N N N N N',
  // grid work 网格
  'GET /api/v1/tags':                                  'U a a a a a a a a a a a a a a a',
  'POST /api/v1/tags':                                 'U F F F F F F F F F F F F F F a',
  'PATCH /api/v1/tags/:id':                            'U F F F F F F F F F F F F F F a',
  'GET /api/v1/households/:id/tags':                   'U N N N N N a N N a a a N a a a',
  'PUT /api/v1/households/:id/tags':                   'U N N N N N F N N F a F N F a a',
  'PUT /api/v1/residents/:id/tags':                    'U N N N N N F N N F a F N F a a',
  'PUT /api/v1/households/:id/location':               'U N N N N N F N N F a F N F a a',
  'GET /api/v1/villages/:id/tagged-households':        'U N N N F a F N F a a a F a a a',
  'GET /api/v1/grid-settings':                         'U a a a a a a a a a a a a a a a',
  'PUT /api/v1/grid-settings':                         'U F F F F F F F F F F F F F F a',
  'GET /api/v1/patrols':                               'U N N N a a a N a a a a a a a a',
  'POST /api/v1/patrols':                              'U x x x F x F x F F x F F F F F',
  'GET /api/v1/patrols/:id':                           'U N N N F N F N F F a a F a a a',
  'POST /api/v1/patrols/:id/points':                   'U N N N F N F N F F a F F F F F',
  'POST /api/v1/patrols/:id/end':                      'U N N N F N F N F F a F F F F F',
  'POST /api/v1/patrols/:id/findings':                 'U N N N F N F N F F a F F F F F',
  'POST /api/v1/patrol-findings/:id/event':            'U N N N F N F N F F a F F F F F',
  'GET /api/v1/patrol-findings/:id/photos/:n':         'U N N N N N N N N N N N N N N N',
  'GET /api/v1/patrol-compliance':                     'U N N N F a F N F F a a F a a a',
  'POST /api/v1/positions':                            'U F F F F a F F F F a F F F F F',
  'GET /api/v1/positions':                             'U N N N F F F N F F F a F a a a',
  'GET /api/v1/positions/mine':                        'U a a a a a a a a a a a a a a a',
  'GET /api/v1/visits':                                'U N N N F a F N F F a a F a a a',
  'POST /api/v1/visits':                               'U x x x x x F x x F a F x F F F',
  'GET /api/v1/visits/due':                            'U N N N F a F N F F a a F a a a',
  'GET /api/v1/visits/:id/photos/:n':                  'U N N N N N N N N N N N N N N N',
  'GET /api/v1/allowance-rule':                        'U a a a a a a a a a a a a a a a',
  'PUT /api/v1/allowance-rule':                        'U F F F F F F F F F F F F F F a',
  'POST /api/v1/allowances/compute':                   'U N N F F F F N F F F F F x F x',
  'GET /api/v1/allowances':                            'U N N F F F F N F F F a F a F a',
  'GET /api/v1/allowances/mine':                       'U a a a a a a a a a a a a a a a',
  'GET /api/v1/allowances/:id':                        'U N N F F F F N F F a a F a F a',
  'POST /api/v1/allowances/:id/approve':               'U N N F F F F N F F F F F x F x',
  'GET /api/v1/allowances-export.xlsx':                'U N N F F F F N F F F a F a F a',
  'GET /api/v1/villages/:id/places':                   'U N N N F a F N F a a a F a a a',
  'POST /api/v1/places':                               'U N N N F F F N F F F F F F a a',
  'DELETE /api/v1/places/:id':                         'U N N N F F F N F F F F F F a x',
  'GET /api/v1/villages/:id/roads':                    'U N N N F a F N F a a a F a a a',
  'POST /api/v1/roads':                                'U N N N F F F N F F F F F F a a',
  'PATCH /api/v1/roads/:id':                           'U N N N F F F N F F F F F F a a',
  'DELETE /api/v1/roads/:id':                          'U N N N F F F N F F F F F F a x',
  'GET /api/v1/patrol-findings/events':                'U a a a a a a a a a a a a a a a',
  'GET /api/v1/evaluations/campaigns':                'U N N N a a a N a a a a a a a a',
  'POST /api/v1/evaluations/campaigns':               'U N N N F F F N F F F F F a a a',
  'GET /api/v1/evaluations/campaigns/:id':            'U N N N a a a N a a a a a a a a',
  'POST /api/v1/evaluations/campaigns/:id/actions/:action':  'U N N N F F F N F F F F F x x x',
  'POST /api/v1/evaluations/campaigns/:id/nominations':  'U N N N x x x N F F x F F F x F',
  'POST /api/v1/evaluations/campaigns/:id/objections':  'U N N N a F a N F F F F F F F F',
  'GET /api/v1/evaluations/candidates':               'U N N N F F F N F F F F F a a a',
  'POST /api/v1/evaluations/nominations/:id/scores':  'U N N N F F x N F F F F F F x F',
  'GET /api/v1/evaluations/scores/:id/photos/:n':     'U N N N N N N N N N N N N N N N',
  'POST /api/v1/evaluations/objections/:id/decision':  'U N N N F F F N F F F F F a x x',
  'GET /api/v1/public/evaluations/:id':               'a a a a a a a a a a a a a a a a',
};
/* eslint-enable key-spacing */

const root = path.resolve(__dirname, '..', '..');
function routes() {
  const httpDir = path.join(root, 'src', 'http');
  const files = fs.readdirSync(httpDir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && fs.existsSync(path.join(httpDir, d.name, 'routes.c')))
    .map((d) => path.join(httpDir, d.name, 'routes.c')).sort();
  const src = files.map((p) => fs.readFileSync(p, 'utf8')).join('\n').replace(/\/\*[\s\S]*?\*\//g, '');
  const re = /\{\s*"([A-Z]+)"\s*,\s*"([^"]+)"\s*,\s*([A-Za-z_][A-Za-z0-9_]*)\s*,\s*([^}]*)\}/g;
  const out = [];
  for (let m; (m = re.exec(src));) out.push({ method: m[1], path: m[2], flags: m[4] });
  return out;
}

let s;
const T = {};     // tokens by column
const O = {};     // the objects the routes are called on

async function must(r, status) {
  assert.equal(r.status, status, `${r.status} ${r.text}`);
  return r.json;
}

function iso(t) {
  return new Date(t * 1000).toISOString().replace(/\.\d+Z$/, 'Z');
}

before(async () => {
  s = await startServer();
  const admin = T.county_admin = await s.as('county_admin');
  for (const r of ['villager', 'handler', 'operator', 'assessor', 'grid_worker', 'inspector', 'clerk', 'town_official', 'cadre'])
    T[r] = await s.as(r);
  T.gwg = await s.as('grid_worker_grid');
  O.village = 3;
  O.town = 2;
  O.household = 1;
  O.resident = 1;
  O.grid = 13;

  // the callers out of scope
  const unit = async (body) => (await must(await s.api('POST', '/api/v1/units', { token: admin, body }), 201)).id;
  O.v2 = await unit({ parent_id: O.town, kind: 'village', code: 'MX-V2', name: '绿水村' });
  O.t2 = await unit({ parent_id: 1, kind: 'town', code: 'MX-T2', name: '河湾镇' });
  O.v3 = await unit({ parent_id: O.t2, kind: 'village', code: 'MX-V3', name: '红岩村' });
  const staff = async (phone, role, unitId) => {
    const u = await must(await s.api('POST', '/api/v1/users', { token: admin, body: { phone, name: '测试' + role, password: 'Matrix-2026' } }), 201);
    await must(await s.api('POST', `/api/v1/users/${u.id}/grants`, { token: admin, body: { role, unit_id: unitId } }), 200);
    return s.login(phone, 'Matrix-2026');
  };
  T.cadV2 = await staff('13722220001', 'cadre', O.v2);
  T.townT2 = await staff('13722220002', 'town_official', O.t2);
  T.cadT2 = await staff('13722220003', 'cadre', O.v3);

  // a villager of another household, in grid 12
  const hh = await must(await s.api('GET', '/api/v1/households?limit=200', { token: T.cadre }), 200);
  const other = hh.items.find((h) => h.grid_id === 12 && h.id !== O.household);
  O.otherHousehold = other.id;
  const oh = await must(await s.api('GET', `/api/v1/households/${other.id}`, { token: T.cadre }), 200);
  const res = oh.members[0];
  await must(await s.api('PATCH', `/api/v1/residents/${res.id}`, { token: T.cadre, body: { phone: '13722220010' } }), 200);
  const code = await must(await s.api('POST', `/api/v1/residents/${res.id}/activation`, { token: T.cadre, body: {} }), 201);
  T.vil2 = (await must(await s.api('POST', '/api/v1/activation', { body: { phone: '13722220010', code: code.code, password: 'Villager-2026' } }), 201)).token;
  const me = await must(await s.api('GET', '/api/v1/session', { token: T.villager }), 200);
  O.user = me.user_id;
  O.category = 1;
  // a member of the villager's household without an account, for the activation route
  const own = await must(await s.api('GET', `/api/v1/households/${O.household}`, { token: T.cadre }), 200);
  O.residentNoAccount = own.members.find((m) => m.id !== O.resident).id;

  // points: a rule, a claim with a photo, approved into 公示, credited to the ledger
  const rules = await must(await s.api('GET', `/api/v1/units/${O.village}/rules`, { token: T.cadre }), 200);
  const rule = rules.items.find((r) => r.points > 0 && !r.photo_required && r.claim_by === 'self') || rules.items.find((r) => r.points > 0);
  O.rule = rule.id;
  const photo = await must(await s.api('POST', '/api/v1/files', { token: T.villager, raw: pngPixel(1, 2, 3), headers: { 'content-type': 'image/png' } }), 201);
  const today = (await s.api('GET', '/healthz')).headers.get('date');
  O.day = new Date(today).toISOString().slice(0, 10);
  const claim = await must(await s.api('POST', '/api/v1/claims', { token: T.villager, body: { resident_id: O.resident, rule_id: O.rule, occurred_on: O.day, photos: [photo.hash], idempotency_key: 'matrix-claim-0001' } }), 201);
  O.claim = claim.id;
  const claim2 = await must(await s.api('POST', '/api/v1/claims', { token: T.villager, body: { resident_id: O.resident, rule_id: O.rule, occurred_on: O.day, photos: [photo.hash], idempotency_key: 'matrix-claim-0002' } }), 201);
  await must(await s.api('POST', `/api/v1/claims/${claim2.id}/review`, { token: T.cadre, body: { decision: 'approve' } }), 200);
  O.publicity = (await must(await s.api('GET', `/api/v1/claims/${claim2.id}`, { token: T.cadre }), 200)).publicity.id;
  const claim3 = await must(await s.api('POST', '/api/v1/claims', { token: T.villager, body: { resident_id: O.resident, rule_id: O.rule, occurred_on: O.day, idempotency_key: 'matrix-claim-0003' } }), 201);
  O.claimToReview = claim3.id;
  const claim4 = await must(await s.api('POST', '/api/v1/claims', { token: T.villager, body: { resident_id: O.resident, rule_id: O.rule, occurred_on: O.day, idempotency_key: 'matrix-claim-0004' } }), 201);
  await must(await s.api('POST', `/api/v1/claims/${claim4.id}/review`, { token: T.cadre, body: { decision: 'approve' } }), 200);
  await s.advance(10 * 86400);
  await relogin();
  const ledger = await must(await s.api('GET', `/api/v1/households/${O.household}/ledger`, { token: T.cadre }), 200);
  O.ledger = ledger.items[0].id;
  const corr = await must(await s.api('POST', `/api/v1/ledger/${O.ledger}/correction`, { token: T.cadre, body: { reason: '矩阵测试更正' } }), 201);
  O.correction = corr.request_id || corr.id;

  // activities
  const now = Math.floor(Date.now() / 1000) + 10 * 86400;
  const act = await must(await s.api('POST', '/api/v1/activities', { token: T.cadre, body: { village_id: O.village, rule_id: O.rule, title: '矩阵活动', place: '村委会', starts_at: iso(now + 86400), ends_at: iso(now + 90000), capacity: 50 } }), 201);
  O.activity = act.id;
  const win = await s.api('POST', `/api/v1/shops/1/windows`, { token: T.clerk, body: BODY['POST /api/v1/shops/:id/windows']() });
  O.window = win.json && win.json.id ? win.json.id : 999999;

  // the shop: goods, a window, a card, a receipt, a pre-order
  O.shop = 1;
  const goods = await must(await s.api('GET', `/api/v1/shops/${O.shop}/goods`, { token: T.clerk }), 200);
  O.goods = goods.items[0].id;
  const card = await must(await s.api('POST', `/api/v1/households/${O.household}/cards`, { token: T.cadre, body: { pin: '7391' } }), 201);
  O.card = card.id;
  O.cardCode = card.code || card.card_no;
  O.cardToRevoke = (await must(await s.api('POST', `/api/v1/households/${O.otherHousehold}/cards`, { token: T.cadre, body: { pin: '7392' } }), 201)).id;
  const cheap = goods.items.find((g) => g.stock > 2 && g.price <= 10) || goods.items[0];
  const sale = await s.api('POST', '/api/v1/counter/redeem', { token: T.clerk, body: { shop_id: O.shop, code: O.cardCode, pin: '7391', items: [{ goods_id: cheap.id, quantity: 1 }], idempotency_key: 'matrix-sale-00001' } });
  O.receipt = sale.status === 201 || sale.status === 200 ? (sale.json.receipt ? sale.json.receipt.id : sale.json.id) : 999999;
  O.saleDebug = sale.text;
  const pre = await s.api('POST', '/api/v1/preorders', { token: T.villager, body: { shop_id: O.shop, items: [{ goods_id: cheap.id, quantity: 1 }] } });
  O.preorder = pre.status === 201 ? pre.json.id : 999999;
  O.preDebug = pre.text;

  // notices and events
  const notices = await must(await s.api('GET', `/api/v1/notices?unit_id=${O.village}`, { token: T.cadre }), 200);
  O.notice = notices.items[0].id;
  const events = await must(await s.api('GET', `/api/v1/events?village_id=${O.village}`, { token: T.cadre }), 200);
  O.event = events.items[0].id;
  const sup = await s.api('POST', `/api/v1/events/${O.event}/supervisions`, { token: T.town_official, body: { note: '矩阵督办' } });
  O.supervision = sup.json && sup.json.id ? sup.json.id : 999999;
  O.supDebug = sup.text;
  // a report of the demo villager with a voice note
  const voice = await must(await s.api('POST', '/api/v1/files', { token: T.villager, raw: mediaSamples.ogg({ ms: 3000 }), headers: { 'content-type': 'audio/ogg' } }), 201);
  const withVoice = await must(await s.api('POST', '/api/v1/events', { token: T.villager, body: { village_id: O.village, category_id: events.items[0].category_id, description: '矩阵语音', voice: voice.hash } }), 201);
  O.mediaEvent = withVoice.id;
  O.eventMedia = withVoice.media[0].id;

  // lists: a service item of the village's current lists, and a request of household 1 at the cadre's step
  const lists = await must(await s.api('GET', `/api/v1/lists?village=${O.village}&kind=service`, { token: T.cadre }), 200);
  const cert = lists.items.find((i) => i.steps[0].role === 'applicant' && i.steps[1].role === 'cadre');
  O.listItem = cert.id;
  O.listTemplate = cert.template_id;
  const x = await must(await s.api('POST', '/api/v1/executions', { token: T.cadre, body: { item_id: cert.id, title: '矩阵记录', household_id: O.household } }), 201);
  O.execution = x.id;
  O.step = x.current.n;
  // transparency: published demo items (one of them to withdraw), the open question, 大事记
  const ds = await must(await s.api('GET', `/api/v1/disclosures?unit_id=${O.village}&limit=5`, { token: T.cadre }), 200);
  O.disclosure = ds.items[0].id;
  O.disclosureW = ds.items[1].id;
  const dq = await must(await s.api('GET', `/api/v1/disclosure-questions?unit_id=${O.village}&status=open`, { token: T.cadre }), 200);
  O.question = dq.items[0].id;
  const ch = await must(await s.api('GET', `/api/v1/chronicle?unit_id=${O.village}&limit=5`, { token: T.cadre }), 200);
  O.chronicle = ch.items[0].id;
  O.chronicleW = ch.items[1].id;
  // finance: an accountant of the village enters; the cadre approves
  const adm = await s.login(PHONES.county_admin, PASSWORD, { fresh: true });
  const acc = await must(await s.api('POST', '/api/v1/users', { token: adm, body: { phone: '13722229901', name: '矩阵报账员', password: 'Matrix-2026' } }), 201);
  await must(await s.api('POST', `/api/v1/users/${acc.id}/grants`, { token: adm, body: { role: 'accountant', unit_id: O.village } }), 200);
  const accT = await s.login('13722229901', 'Matrix-2026');
  const fin = async (summary) => (await must(await s.api('POST', '/api/v1/finance/entries', { token: accT, body: { village_id: O.village, kind: 'expense', category: '55002', amount: 100, occurred_on: O.day, counterpart: '矩阵', summary } }), 201)).id;
  O.finEntry = await fin('矩阵审核');
  O.finEntryR = await fin('矩阵退回');
  O.finEntryW = await fin('矩阵撤回');
  O.finEntryP = await fin('矩阵修改');
  const sts = await must(await s.api('GET', `/api/v1/finance/statements?village_id=${O.village}`, { token: T.cadre }), 200);
  O.finStatement = sts.items.length ? sts.items[0].id : 999999;
  O.finMonth = sts.items.length ? sts.items[0].month : '2026-01';
  // disputes: a demo dispute in mediation in the village (the demo villager's is another;
  // those the town sent to the handler's department are not it); an open emergency
  O.disputeCategory = (await must(await s.api('GET', '/api/v1/event-categories', { token: T.cadre }), 200)).items.find((k) => k.name === '矛盾纠纷').id;
  O.dispute = (await must(await s.api('GET', `/api/v1/disputes?unit_id=${O.village}&stage=mediating&limit=50`, { token: T.cadre }), 200)).items.find((d) => d.event.state === 'handling' && d.event.village_handled).id;
  O.myDispute = (await must(await s.api('GET', '/api/v1/my/disputes', { token: T.villager }), 200)).items[0].id;
  O.emergency = (await must(await s.api('POST', '/api/v1/emergencies', { token: T.grid_worker, body: { village_id: O.village, emergency_type: 'fire', description: '矩阵火情' } }), 201)).id;
  // the voice: a broadcast with its audio made, a loudspeaker to revoke
  O.broadcast = (await must(await s.api('POST', '/api/v1/broadcasts', { token: T.cadre, body: { unit_id: O.village, body: '矩阵广播' } }), 201)).id;
  for (let i = 0; i < 600; i++) {
    const h = await must(await s.api('GET', `/api/v1/broadcasts?unit_id=${O.village}&limit=5`, { token: T.cadre }), 200);
    if (h.items.find((b) => b.id === O.broadcast).audio_state !== 'pending') break;
    await new Promise((r) => setTimeout(r, 100));
  }
  O.talk = (await must(await s.api('POST', '/api/v1/talks', { token: T.villager, body: { category: 'question', title: '矩阵说事', body: '矩阵测试' } }), 201)).id;
  O.speaker = (await must(await s.api('POST', '/api/v1/speakers', { token: T.cadre, body: { village_id: O.village, name: '矩阵音箱' } }), 201)).id;
  // grid work: a patrol in grid 13 by the village's grid worker, with a finding; a visit
  O.now = Math.floor(Date.parse((await s.advance(0)).now) / 1000);
  O.patrol = (await must(await s.api('POST', '/api/v1/patrols', { token: T.grid_worker, body: { grid_id: O.grid } }), 201)).id;
  O.finding = (await must(await s.api('POST', `/api/v1/patrols/${O.patrol}/findings`, { token: T.grid_worker, body: { category: '安全隐患', note: '矩阵发现' } }), 201)).id;
  O.visit = (await must(await s.api('POST', '/api/v1/visits', { token: T.grid_worker, body: { household_id: O.household, notes: '矩阵走访' } }), 201)).id;
  // evaluations: a campaign of the village in 公示 (scored by the cadre, the villager on
  // the panel too), with an open objection by the villager
  const cadreMe = await must(await s.api('GET', '/api/v1/session', { token: T.cadre }), 200);
  const vilMe = await must(await s.api('GET', '/api/v1/session', { token: T.villager }), 200);
  const hhs = await must(await s.api('GET', `/api/v1/households?unit_id=${O.village}&limit=5`, { token: T.cadre }), 200);
  const evHh = hhs.items.find((h) => h.id !== O.household).id;
  const ev = await must(await s.api('POST', '/api/v1/evaluations/campaigns', { token: T.cadre, body: {
    village_id: O.village, kind: '美丽庭院', title: '矩阵评选', period_from: '2026-01-01', period_to: '2026-06-30', points: 5,
    winners: 1, criteria: [{ name: '院落整洁', weight: 1, min_score: 0, max_score: 10 }],
    panel: [{ user_id: cadreMe.user_id }, { user_id: vilMe.user_id }] } }), 201);
  O.evalCampaign = ev.id;
  await must(await s.api('POST', `/api/v1/evaluations/campaigns/${ev.id}/actions/open`, { token: T.cadre, body: {} }), 200);
  O.evalNomination = (await must(await s.api('POST', `/api/v1/evaluations/campaigns/${ev.id}/nominations`, { token: T.cadre, body: { household_id: evHh } }), 201)).id;
  await must(await s.api('POST', `/api/v1/evaluations/campaigns/${ev.id}/actions/score`, { token: T.cadre, body: {} }), 200);
  O.evalScore = (await must(await s.api('POST', `/api/v1/evaluations/nominations/${O.evalNomination}/scores`, { token: T.cadre, body: { items: [8] } }), 201)).id;
  await must(await s.api('POST', `/api/v1/evaluations/campaigns/${ev.id}/actions/publicize`, { token: T.cadre, body: {} }), 200);
  O.evalObjection = (await must(await s.api('POST', `/api/v1/evaluations/campaigns/${ev.id}/objections`, { token: T.villager, body: { reason: '矩阵异议' } }), 201)).id;
  O.cadreUser = cadreMe.user_id;
  O.tag = 1;
  const allow = await must(await s.api('GET', '/api/v1/allowances/mine', { token: T.grid_worker }), 200);
  O.allowance = allow.items[0].id;
  O.allowMonth = allow.items[0].month;
  O.displayToken = (await must(await s.api('POST', '/api/v1/display-tokens', { token: T.county_admin, body: { unit_id: O.village, name: '矩阵大屏' } }), 201)).id;
  O.place = (await must(await s.api('POST', '/api/v1/places', { token: T.cadre, body: { village_id: O.village, kind: 'flood', name: '矩阵灾害点', lat: 29.15, lng: 103.88 } }), 201)).id;
  O.road = (await must(await s.api('POST', '/api/v1/roads', { token: T.cadre, body: { village_id: O.village, name: '矩阵道路', kind: 'village', geometry: { type: 'LineString', coordinates: [[103.88, 29.15], [103.881, 29.151]] } } }), 201)).id;
  // party building: the demo's branch of the village, a member, a meeting, a commitment, the waiting question
  O.partyBranch = (await must(await s.api('GET', `/api/v1/party/branches?unit=${O.village}`, { token: T.cadre }), 200)).items[0].id;
  O.partyMember = (await must(await s.api('GET', `/api/v1/party/members?unit=${O.village}&limit=5`, { token: T.cadre }), 200)).items[3].id;
  O.partyMeeting = (await must(await s.api('GET', `/api/v1/party/meetings?unit=${O.village}&limit=5`, { token: T.cadre }), 200)).items[0].id;
  O.partyCommitment = (await must(await s.api('GET', `/api/v1/party/commitments?unit=${O.village}&limit=5`, { token: T.cadre }), 200)).items[0].id;
  O.partyQuestion = (await must(await s.api('GET', `/api/v1/party/questions?unit=${O.village}&status=open`, { token: T.cadre }), 200)).items.find((q) => !q.converted_to).id;
  // learning: the town's 趣味学法 course and quiz (for every villager), a study session of the demo villager
  O.partyCourse = (await must(await s.api('GET', `/api/v1/party/courses?unit=${O.village}&limit=50`, { token: T.cadre }), 200)).items.find((c) => c.audience === 'villager' && c.unit_id === O.town).id;
  O.partyQuiz = (await must(await s.api('GET', `/api/v1/party/quizzes?unit=${O.village}`, { token: T.cadre }), 200)).items.find((q) => q.audience === 'villager').id;
  O.studySession = (await must(await s.api('POST', `/api/v1/party/courses/${O.partyCourse}/study`, { token: T.villager, body: {} }), 201)).id;
});
after(async () => { if (s) await s.close(); });

// The URL and body each route is called with.
function call(r) {
  const id = (name) => String(O[name]);
  let p = r.path;
  const seg = p.split('/');
  const kindOf = (i) => seg[i - 1];
  const map = {
    units: 'village', villages: 'village', households: 'household', residents: 'resident', grids: 'grid',
    users: 'user', claims: 'claim', rules: 'rule', publicity: 'publicity', ledger: 'ledger',
    'ledger-corrections': 'correction', activities: 'activity', shops: 'shop', 'shop-windows': 'window',
    goods: 'goods', cards: 'card', receipts: 'receipt', preorders: 'preorder', notices: 'notice', events: 'event',
    'event-categories': 'category', rankings: 'ranking', 'list-templates': 'listTemplate', items: 'listItem',
    executions: 'execution',
    disclosures: 'disclosure', chronicle: 'chronicle', 'disclosure-questions': 'question',
    entries: 'finEntry', statements: 'finStatement',
    broadcasts: 'broadcast', speakers: 'speaker', talks: 'talk',
    tags: 'tag', patrols: 'patrol', 'patrol-findings': 'finding', visits: 'visit',
    allowances: 'allowance', places: 'place', roads: 'road',
    campaigns: 'evalCampaign', nominations: 'evalNomination', scores: 'evalScore', objections: 'evalObjection',
    evaluations: 'evalCampaign', 'display-tokens': 'displayToken',
    disputes: 'dispute', emergencies: 'emergency',
  };
  if (seg[3] === 'party') Object.assign(map, { branches: 'partyBranch', members: 'partyMember', meetings: 'partyMeeting', commitments: 'partyCommitment', questions: 'partyQuestion', courses: 'partyCourse', quizzes: 'partyQuiz', 'study-sessions': 'studySession' });
  for (let i = 0; i < seg.length; i++) {
    if (seg[i] === ':id') seg[i] = id(map[kindOf(i)] || 'none');
    else if (seg[i] === ':n') seg[i] = '0';
    else if (seg[i] === ':sid') seg[i] = id('supervision');
    else if (seg[i] === ':step') seg[i] = id('step');
    else if (seg[i] === ':action') seg[i] = 'accept';
    else if (seg[i] === ':day') seg[i] = '2026-12-31';
    else if (seg[i] === ':code') seg[i] = 'NOPE0000';
    else if (seg[i] === ':item') seg[i] = id(map[kindOf(i)] || 'none');
  }
  const key = `${r.method} ${r.path}`;
  if (key === 'POST /api/v1/residents/:id/activation') seg[4] = id('residentNoAccount');
  if (key === 'GET /api/v1/events/:id/media/:mid') {
    seg[4] = id('mediaEvent');
    seg[6] = id('eventMedia');
  }
  if (key.startsWith('GET /api/v1/dashboards/:unit_id')) seg[4] = id('village');
  if (key === 'POST /api/v1/disclosures/:id/withdraw') seg[4] = id('disclosureW');
  if (key === 'POST /api/v1/chronicle/:id/withdraw') seg[4] = id('chronicleW');
  if (key === 'POST /api/v1/finance/entries/:id/reject') seg[5] = id('finEntryR');
  if (key === 'POST /api/v1/finance/entries/:id/withdraw') seg[5] = id('finEntryW');
  if (key === 'PATCH /api/v1/finance/entries/:id') seg[5] = id('finEntryP');
  if (key === 'POST /api/v1/evaluations/campaigns/:id/actions/:action') seg[7] = 'publish';
  if (key === 'DELETE /api/v1/disputes/:id/mediators/:user_id') seg[6] = '999999';
  if (key === 'GET /api/v1/my/disputes/:id') seg[5] = id('myDispute');
  p = seg.join('/');
  const q = QUERY[key];
  if (q) p += '?' + q();
  const b = BODY[key];
  return { path: p, body: b ? b() : (/RF_JSON/.test(r.flags) ? {} : undefined), raw: RAW[key] ? RAW[key]() : undefined };
}

// Collection routes: the scope is in the query or the body.
const QUERY = {
  'GET /api/v1/units': () => `parent_id=${O.village}`,
  'GET /api/v1/audit': () => `unit_id=${O.village}`,
  'GET /api/v1/claims': () => `village_id=${O.village}`,
  'GET /api/v1/objections': () => `village_id=${O.village}`,
  'GET /api/v1/activities': () => `village_id=${O.village}`,
  'GET /api/v1/rankings': () => `unit_id=${O.village}&period=2026-11`,
  'GET /api/v1/rankings/mine': () => `unit_id=${O.village}&period=2026-11`,
  'GET /api/v1/households': () => `unit_id=${O.village}`,
  'GET /api/v1/users': () => `unit_id=${O.village}`,
  'GET /api/v1/counter/households': () => `shop_id=${O.shop}&q=${encodeURIComponent('李')}`,
  'GET /api/v1/preorders': () => `shop_id=${O.shop}`,
  'GET /api/v1/notices': () => `unit_id=${O.village}`,
  'GET /api/v1/events': () => `unit_id=${O.village}`,
  'GET /api/v1/event-stats': () => `unit_id=${O.village}`,
  'GET /api/v1/event-warnings': () => `unit_id=${O.village}`,
  'GET /api/v1/stats/points': () => `unit_id=${O.village}&period=2026-11`,
  'GET /api/v1/villages/:id/ledger/export.xlsx': () => 'from=2026-01-01&to=2026-12-31',
  'GET /api/v1/stats/register': () => `unit_id=${O.village}`,
  'GET /api/v1/imports/households/template': () => '',
  'GET /api/v1/shops': () => `village_id=${O.village}`,
  'GET /api/v1/lists': () => `village=${O.village}`,
  'GET /api/v1/lists/versions': () => `village=${O.village}`,
  'GET /api/v1/executions': () => `village=${O.village}`,
  'GET /api/v1/list-stats': () => `unit=${O.village}`,
  'GET /api/v1/list-board': () => `unit=${O.town}`,
  'GET /api/v1/disclosures': () => `unit_id=${O.village}`,
  'GET /api/v1/disclosure-questions': () => `unit_id=${O.village}`,
  'GET /api/v1/disclosure-board': () => `unit=${O.village}`,
  'GET /api/v1/disclosure-settings': () => 'county_id=1',
  'GET /api/v1/chronicle': () => `unit_id=${O.village}`,
  'GET /api/v1/finance/entries': () => `village_id=${O.village}`,
  'GET /api/v1/finance/statements': () => `village_id=${O.village}`,
  'GET /api/v1/finance/month': () => `village_id=${O.village}&month=${O.finMonth}`,
  'GET /api/v1/finance/entries-export.xlsx': () => `village_id=${O.village}`,
  'GET /api/v1/finance/statements-export.xlsx': () => `village_id=${O.village}`,
  'GET /api/v1/broadcasts': () => `unit_id=${O.village}`,
  'GET /api/v1/disputes': () => `unit_id=${O.village}`,
  'GET /api/v1/dispute-stats': () => `unit_id=${O.village}`,
  'GET /api/v1/dispute-settings': () => 'county_id=1',
  'GET /api/v1/speakers': () => `unit_id=${O.village}`,
  'GET /api/v1/talks': () => `unit_id=${O.village}`,
  'GET /api/v1/patrols': () => `unit_id=${O.village}`,
  'GET /api/v1/patrol-compliance': () => `unit_id=${O.village}`,
  'GET /api/v1/positions': () => `unit_id=${O.village}`,
  'GET /api/v1/visits': () => `unit_id=${O.village}`,
  'GET /api/v1/visits/due': () => `unit_id=${O.village}`,
  'GET /api/v1/allowances': () => `unit_id=${O.town}&month=${O.allowMonth}`,
  'GET /api/v1/allowances-export.xlsx': () => `unit_id=${O.town}&month=${O.allowMonth}`,
  'GET /api/v1/party/branches': () => `unit=${O.village}`,
  'GET /api/v1/party/members': () => `unit=${O.village}`,
  'GET /api/v1/party/stats': () => `unit=${O.village}`,
  'GET /api/v1/party/settings': () => 'county_id=1',
  'GET /api/v1/party/meetings': () => `unit=${O.village}`,
  'GET /api/v1/party/compliance': () => `unit=${O.village}`,
  'GET /api/v1/party/commitments': () => `unit=${O.village}`,
  'GET /api/v1/party/diary': () => `unit=${O.village}`,
  'GET /api/v1/party/diary-stats': () => `unit=${O.village}`,
  'GET /api/v1/party/questions': () => `unit=${O.village}`,
  'GET /api/v1/party/courses': () => `unit=${O.village}`,
  'GET /api/v1/party/quizzes': () => `unit=${O.village}`,
  'GET /api/v1/party/study-records': () => `unit=${O.village}`,
  'POST /api/v1/party/member-import': () => `branch=${O.partyBranch}&dry_run=1`,
  'GET /api/v1/evaluations/campaigns': () => `village_id=${O.village}`,
  'GET /api/v1/evaluations/candidates': () => `village_id=${O.village}`,
};

let seq = 0;
const uniq = () => `${Date.now() % 100000}${++seq}`;
const BODY = {
  'POST /api/v1/units': () => ({ parent_id: O.village, kind: 'group', code: `MX-G${uniq()}`, name: `矩阵组${uniq()}` }),
  'PATCH /api/v1/units/:id': () => ({ name: '青山村' }),
  'POST /api/v1/session': () => ({ phone: '13700009999', password: 'wrong-password' }),
  'POST /api/v1/session/password': () => ({ current: 'wrong-password-1', password: 'New-Password-2026' }),
  'POST /api/v1/activation': () => ({ phone: '13700009998', code: '00000000', password: 'Villager-2026' }),
  'PUT /api/v1/grids/:id': () => ({ color: '#123456' }),
  'POST /api/v1/grids/:id/assign': () => ({}),
  'POST /api/v1/households': () => ({ village_id: O.village, number: `MX${uniq()}`, address: '矩阵测试' }),
  'PATCH /api/v1/households/:id': () => ({ address: '青山村第一组 1 号' }),
  'POST /api/v1/residents': () => ({ household_id: O.household, name: '矩阵', idcard: makeIdcard('20100101', 100 + (++seq % 800)), relation: '子' }),
  'PATCH /api/v1/residents/:id': () => ({ name: '李琳' }),
  'POST /api/v1/residents/:id/activation': () => ({}),
  'POST /api/v1/users': () => ({ phone: `1372223${String(++seq).padStart(4, '0')}`, name: '矩阵用户', password: 'Matrix-2026' }),
  'POST /api/v1/users/:id/grants': () => ({ role: 'villager', unit_id: O.village }),
  'DELETE /api/v1/users/:id/grants': () => ({ role: 'inspector', unit_id: O.village }),
  'POST /api/v1/units/:id/rule-versions': () => ({ meeting: '矩阵测试会议', adopted_on: O.day, add: [], remove: [] }),
  'POST /api/v1/claims': () => ({ resident_id: O.resident, rule_id: O.rule, occurred_on: O.day, idempotency_key: `matrix-c-${uniq()}` }),
  'POST /api/v1/claims/:id/review': () => ({ decision: 'reject', reason: '矩阵测试' }),
  'POST /api/v1/awards': () => ({ village_id: O.village, rule_id: O.rule, household_ids: [O.household], occurred_on: O.day, reason: '矩阵', idempotency_key: `matrix-a-${uniq()}` }),
  'POST /api/v1/publicity/:id/objections': () => ({ reason: '矩阵测试异议' }),
  'PUT /api/v1/villages/:id/points-settings': () => ({ publicity_days: 3 }),
  'POST /api/v1/ledger/:id/correction': () => ({ reason: '矩阵测试更正' }),
  'POST /api/v1/ledger-corrections/:id/decision': () => ({ approve: false, reason: '矩阵' }),
  'POST /api/v1/activities': () => ({ village_id: O.village, rule_id: O.rule, title: '矩阵活动', place: '村委会', starts_at: iso(Math.floor(Date.now() / 1000) + 20 * 86400), ends_at: iso(Math.floor(Date.now() / 1000) + 20 * 86400 + 3600), capacity: 5 }),
  'POST /api/v1/activities/checkin': () => ({ token: 'x.y.z' }),
  'POST /api/v1/activities/:id/signup': () => ({ resident_id: O.resident }),
  'POST /api/v1/activities/:id/checkin': () => ({ household_code: 'H1.1.2.3' }),
  'POST /api/v1/rankings': () => ({ unit_id: O.village, period: '2026-11' }),
  'POST /api/v1/shops': () => ({ unit_id: O.village, name: `矩阵超市${uniq()}` }),
  'PATCH /api/v1/shops/:id': () => ({ return_days: 7 }),
  'POST /api/v1/shops/:id/windows': () => ({ starts_at: iso(Math.floor(Date.now() / 1000) + 40 * 86400), ends_at: iso(Math.floor(Date.now() / 1000) + 41 * 86400) }),
  'POST /api/v1/shops/:id/goods': () => ({ name: `矩阵商品${uniq()}`, price: 5, unit: '个' }),
  'PATCH /api/v1/goods/:id': () => ({ low_stock: 2 }),
  'POST /api/v1/goods/:id/stock-in': () => ({ quantity: 1, unit_cost: 100, funding: '捐赠', supplier: '矩阵' }),
  'POST /api/v1/goods/:id/adjustments': () => ({ quantity: 0, reason: '矩阵盘点' }),
  'POST /api/v1/households/:id/cards': () => ({ pin: '2468' }),
  'POST /api/v1/counter/lookup': () => ({ shop_id: O.shop, code: O.cardCode, pin: '0000' }),
  'POST /api/v1/counter/redeem': () => ({ shop_id: O.shop, code: O.cardCode, pin: '0000', items: [{ goods_id: O.goods, quantity: 1 }], idempotency_key: `matrix-r-${uniq()}` }),
  'POST /api/v1/counter/returns': () => ({ receipt_id: O.receipt, items: [{ goods_id: O.goods, quantity: 99 }], idempotency_key: `matrix-t-${uniq()}` }),
  'POST /api/v1/preorders': () => ({ shop_id: O.shop, items: [{ goods_id: O.goods, quantity: 1 }] }),
  'POST /api/v1/preorders/:id/collect': () => ({ code: 'H0.0.0.0', idempotency_key: `matrix-p-${uniq()}` }),
  'POST /api/v1/notices': () => ({ unit_id: O.village, title: '矩阵通知', body: '矩阵测试' }),
  'PATCH /api/v1/notices/:id': () => ({ body: '矩阵测试修订' }),
  'POST /api/v1/notices/:id/withdraw': () => ({ reason: '矩阵测试撤回' }),
  'POST /api/v1/disclosures': () => ({ village_id: O.village, kind: 'party', category: '组织生活', period: O.day, title: '矩阵公开', body: '矩阵测试' }),
  'PATCH /api/v1/disclosures/:id': () => ({ title: `矩阵修订${uniq()}`, reason: '矩阵测试修订' }),
  'POST /api/v1/disclosures/:id/withdraw': () => ({ reason: '矩阵测试撤回' }),
  'POST /api/v1/disclosures/:id/questions': () => ({ question: '矩阵提问' }),
  'POST /api/v1/disclosure-questions/:id/answer': () => ({ answer: '矩阵答复' }),
  'PUT /api/v1/disclosure-settings': () => ({ county_id: 1, major_days: 5 }),
  'POST /api/v1/chronicle': () => ({ village_id: O.village, happened_on: O.day, title: '矩阵大事记', body: '矩阵测试' }),
  'PATCH /api/v1/chronicle/:id': () => ({ title: `矩阵修订${uniq()}`, reason: '矩阵测试修订' }),
  'POST /api/v1/chronicle/:id/withdraw': () => ({ reason: '矩阵测试撤回' }),
  'POST /api/v1/finance/entries': () => ({ village_id: O.village, kind: 'income', category: '505', amount: 1, occurred_on: O.day, counterpart: '矩阵', summary: '矩阵测试', idempotency_key: `matrix-f-${uniq()}` }),
  'PATCH /api/v1/finance/entries/:id': () => ({ amount: 100 + (++seq) }),
  'POST /api/v1/finance/entries/:id/reject': () => ({ reason: '矩阵退回' }),
  'POST /api/v1/finance/entries/:id/withdraw': () => ({ reason: '矩阵撤回' }),
  'POST /api/v1/finance/statements': () => ({ village_id: O.village, month: O.finMonth }),
  'POST /api/v1/events': () => ({ village_id: O.village, category_id: 1, description: '矩阵测试事件', idempotency_key: `matrix-e-${uniq()}` }),
  'POST /api/v1/events/:id/actions/:action': () => ({ note: '矩阵' }),
  'POST /api/v1/events/:id/supervisions': () => ({ note: '矩阵督办' }),
  'POST /api/v1/events/:id/supervisions/:sid/answer': () => ({ answer: '矩阵答复' }),
  'POST /api/v1/event-categories': () => ({ name: `矩阵类别${uniq()}`, accept_hours: 24, finish_days: 5 }),
  'PATCH /api/v1/event-categories/:id': () => ({ accept_hours: 24 }),
  'POST /api/v1/event-channels': () => ({ code: `mx${uniq()}`, name: '矩阵渠道' }),
  'POST /api/v1/event-departments': () => ({ parent_id: O.town, code: `MX-D${uniq()}`, name: `矩阵部门${uniq()}` }),
  'PUT /api/v1/holidays/:day': () => ({ kind: 'workday', name: '矩阵' }),
  'POST /api/v1/public/villages/:id/events': () => ({ category_id: 1, description: 'x', reporter_name: 'a', reporter_phone: '13611112222', challenge: 'x', nonce: 'nope' }),
  'POST /api/v1/test/clock': () => ({ advance: 0 }),
  'POST /api/v1/list-templates': () => ({ kind: 'service', code: `MX-${uniq()}`, name: '矩阵服务', role: 'cadre', time_limit_days: 3, steps: [{ name: '办理', role: 'cadre', limit_days: 1 }] }),
  'PATCH /api/v1/list-templates/:id': () => ({ supervise_contact: '矩阵' }),
  'POST /api/v1/lists/versions': () => ({ village: O.village, meeting: { date: '2099-01-01', title: '矩阵会议', attendance: 10 }, items: [{ template_id: O.listTemplate }] }),
  'POST /api/v1/executions': () => ({ item_id: O.listItem, title: '矩阵申请', household_id: O.household, idempotency_key: `matrix-x-${uniq()}` }),
  'POST /api/v1/executions/:id/steps/:step': () => ({ note: '矩阵' }),
  'POST /api/v1/executions/:id/close': () => ({ outcome: 'withdrawn' }),
  'POST /api/v1/broadcasts': () => ({ unit_id: O.village, body: '矩阵测试广播' }),
  'POST /api/v1/disputes': () => ({ village_id: O.village, category_id: O.disputeCategory, dispute_type: 'neighbour', description: '矩阵纠纷', parties: [{ role: 'applicant', name: '甲' }, { role: 'respondent', name: '乙' }], idempotency_key: `matrix-d-${uniq()}` }),
  'POST /api/v1/disputes/:id/mediators': () => ({ user_id: 999999 }),
  'POST /api/v1/disputes/:id/sessions': () => ({ held_at: iso(Math.floor(Date.now() / 1000) - 3600), place: '村委会', notes: '矩阵调解' }),
  'POST /api/v1/disputes/:id/outcome': () => ({ outcome: 'mediated' }),
  'POST /api/v1/disputes/:id/followup': () => ({ result: 'kept' }),
  'PUT /api/v1/dispute-settings': () => ({ county_id: 1, followup_days: 30 }),
  'POST /api/v1/emergencies': () => ({ village_id: O.village, emergency_type: 'other', description: '矩阵应急' }),
  'POST /api/v1/emergencies/:id/broadcast': () => ({ body: '矩阵应急广播' }),
  'POST /api/v1/speakers': () => ({ village_id: O.village, name: `矩阵音箱${uniq()}` }),
  'POST /api/v1/display-tokens': () => ({ unit_id: O.village, name: `矩阵大屏${uniq()}` }),
  'POST /api/v1/speakers/ack': () => ({ broadcast_id: O.broadcast }),
  'POST /api/v1/talks': () => ({ category: 'suggestion', title: '矩阵建议', body: '矩阵测试' }),
  'POST /api/v1/talks/:id/replies': () => ({ body: '矩阵回复' }),
  'POST /api/v1/talks/:id/hide': () => ({ reason: '矩阵隐藏' }),
  'POST /api/v1/talks/:id/event': () => ({ category_id: 1 }),
  'POST /api/v1/talks/:id/council': () => ({ outcome: '矩阵议事结果' }),
  'POST /api/v1/tags': () => ({ name: `矩阵${uniq()}`.slice(0, 12), icon: '矩', color: '#123456' }),
  'PATCH /api/v1/tags/:id': () => ({ icon: '党' }),
  'PUT /api/v1/households/:id/tags': () => ({ tag_ids: [1] }),
  'PUT /api/v1/residents/:id/tags': () => ({ tag_ids: [7] }),
  'PUT /api/v1/households/:id/location': () => ({ lat: 29.15, lng: 103.88 }),
  'PUT /api/v1/allowance-rule': () => ({ base_fen: 60000, patrol_day_fen: 1000, missed_day_fen: 2000, visit_fen: 500, late_visit_fen: 1000, event_fen: 1000, max_fen: 150000 }),
  'POST /api/v1/allowances/compute': () => ({ unit_id: O.town, month: O.allowMonth }),
  'POST /api/v1/places': () => ({ village_id: O.village, kind: 'fire', name: `矩阵防火点${uniq()}`, lat: 29.15, lng: 103.88 }),
  'POST /api/v1/roads': () => ({ village_id: O.village, name: `矩阵道路${uniq()}`, kind: 'path', geometry: { type: 'LineString', coordinates: [[103.88, 29.15], [103.882, 29.152]] } }),
  'PATCH /api/v1/roads/:id': () => ({ name: `矩阵道路${uniq()}` }),
  'PUT /api/v1/grid-settings': () => ({ patrols_per_day: 3, min_minutes: 20, min_metres: 1000, min_inside_pct: 80, retention_days: 90 }),
  'POST /api/v1/patrols': () => ({ grid_id: O.grid }),
  'POST /api/v1/patrols/:id/points': () => ({ points: [{ seq: ++seq, at: O.now + 1, lat: 29.15, lng: 103.88 }] }),
  'POST /api/v1/patrols/:id/findings': () => ({ category: '环境卫生', note: '矩阵发现' }),
  'POST /api/v1/patrol-findings/:id/event': () => ({ category_id: 1 }),
  'POST /api/v1/positions': () => ({ points: [{ at: O.now, lat: 29.15, lng: 103.88 }] }),
  'POST /api/v1/visits': () => ({ household_id: O.household, notes: '矩阵走访' }),
  'POST /api/v1/party/branches': () => ({ village_id: O.village, name: `矩阵支部${uniq()}` }),
  'POST /api/v1/party/branches/:id/groups': () => ({ name: `矩阵小组${uniq()}` }),
  'POST /api/v1/party/members': () => ({ branch_id: O.partyBranch, name: '矩阵党员', gender: 'm', birth_date: '1980-01-01', education: '初中', kind: 'full', join_date: '2010-07-01', idempotency_key: `matrix-pm-${uniq()}` }),
  'PATCH /api/v1/party/members/:id': () => ({ education: '高中/中专' }),
  'POST /api/v1/party/members/:id/status': () => ({ action: 'full', day: '2026-01-01' }),
  'PUT /api/v1/party/settings': () => ({ county_id: 1, kinds: [{ kind: 'committee', frequency: 'month' }] }),
  'POST /api/v1/party/meetings': () => ({ branch_id: O.partyBranch, kind: 'lecture', topic: '矩阵党课', place: '村委会', starts_at: '2099-01-01T01:00:00Z', ends_at: '2099-01-01T02:00:00Z', idempotency_key: `matrix-pmt-${uniq()}` }),
  'PATCH /api/v1/party/meetings/:id': () => ({ minutes: '矩阵记录' }),
  'PATCH /api/v1/party/commitments/:id': () => ({ body: '矩阵修改承诺内容' }),
  'PUT /api/v1/party/meetings/:id/attendance': () => ({ items: [{ member_id: O.partyMember, status: 'present' }] }),
  'POST /api/v1/party/commitments': () => ({ village_id: O.village, year: Number(O.day.slice(0, 4)), pledger: '书记', title: '矩阵承诺', target_date: '2099-12-31', idempotency_key: `matrix-pc-${uniq()}` }),
  'POST /api/v1/party/commitments/:id/progress': () => ({ body: '矩阵进展', progress: 10 }),
  'POST /api/v1/party/commitments/:id/comments': () => ({ body: '矩阵评论' }),
  'POST /api/v1/party/diary': () => ({ village_id: O.village, day: O.day, body: '矩阵服务日记' }),
  'POST /api/v1/party/questions': () => ({ village_id: O.village, body: '矩阵问题' }),
  'POST /api/v1/party/questions/:id/answer': () => ({ answer: '矩阵答复' }),
  'POST /api/v1/party/questions/:id/convert': () => ({ to: 'event', category_id: O.category }),
  'POST /api/v1/party/courses': () => ({ unit_id: O.town, audience: 'member', title: '矩阵课程', body: '矩阵正文', minutes: 10, idempotency_key: `matrix-pco-${uniq()}` }),
  'PATCH /api/v1/party/courses/:id': () => ({ minutes: 10 }),
  'PUT /api/v1/party/study-sessions/:id': () => ({ seconds: 30 }),
  'POST /api/v1/party/quizzes': () => ({ unit_id: O.town, audience: 'member', title: '矩阵答题', pass_score: 60, questions: [{ kind: 'single', body: '矩阵题', options: ['甲', '乙'], answer: [0] }], idempotency_key: `matrix-pq-${uniq()}` }),
  'PATCH /api/v1/party/quizzes/:id': () => ({ pass_score: 80 }),
  'POST /api/v1/party/quizzes/:id/attempts': () => ({ answers: [[0], [1], [0, 1, 3], [3], [1]] }),
  'POST /api/v1/evaluations/campaigns': () => ({ village_id: O.village, kind: '最美家庭', title: `矩阵评选${uniq()}`, period_from: '2026-01-01', period_to: '2026-12-31', points: 5, winners: 1, criteria: [{ name: '家风', weight: 1, max_score: 10 }], panel: [{ user_id: O.cadreUser }], idempotency_key: `matrix-v-${uniq()}` }),
  'POST /api/v1/evaluations/campaigns/:id/nominations': () => ({ note: '矩阵提名' }),
  'POST /api/v1/evaluations/campaigns/:id/objections': () => ({ reason: '矩阵异议' }),
  'POST /api/v1/evaluations/nominations/:id/scores': () => ({ items: [7] }),
  'POST /api/v1/evaluations/objections/:id/decision': () => ({ uphold: false, reason: '矩阵处理' }),
};
const RAW = {
  'POST /api/v1/files': () => pngPixel(9, 9, ++seq % 250),
  'POST /api/v1/imports/households': () => Buffer.from('户号,姓名\n'),
  'POST /api/v1/party/member-import': () => Buffer.from('姓名,性别\n'),
};
const HEADERS = {
  'POST /api/v1/files': { 'content-type': 'image/png' },
  'POST /api/v1/imports/households': { 'content-type': 'text/csv' },
  'POST /api/v1/party/member-import': { 'content-type': 'text/csv' },
};

function classify(status) {
  if (status >= 200 && status < 300) return 'a';
  if (status === 401) return 'U';
  if (status === 403) return 'F';
  if (status === 404) return 'N';
  if ([400, 409, 410, 411, 413, 415, 422, 429].includes(status)) return 'x';
  return String(status);
}

// Event streams stay open: their answer is the status of the headers, then they are closed.
const STREAMS = new Set(['GET /api/v1/broadcasts/stream', 'GET /api/v1/speakers/stream', 'GET /api/v1/emergency-alerts/stream']);
async function streamStatus(p, token) {
  const ac = new AbortController();
  const res = await fetch(s.url + p, { headers: token ? { authorization: `Bearer ${token}` } : {}, signal: ac.signal });
  const text = res.status === 200 ? '' : await res.text();
  ac.abort();
  return { status: res.status, text };
}

// Routes that act on the caller's own session: called with a throwaway login.
const OWN_SESSION = new Set(['DELETE /api/v1/session']);

test('every route has a row, and every row a route', () => {
  const keys = routes().map((r) => `${r.method} ${r.path}`);
  const rows = Object.keys(EXPECT);
  if (process.env.MATRIX_RECORD) return;
  assert.deepEqual(keys.filter((k) => !rows.includes(k)), [], 'routes without a row in EXPECT');
  assert.deepEqual(rows.filter((k) => !keys.includes(k)), [], 'rows of EXPECT without a route');
});

test('every route answers every role as the table says', async () => {
  const got = {};
  for (const r of routes()) {
    const key = `${r.method} ${r.path}`;
    const row = [];
    for (const col of COLS) {
      const c = call(r);
      let token = col === 'anon' ? undefined : T[col];
      if (OWN_SESSION.has(key) && token) token = await freshToken(col);
      const res = STREAMS.has(key) ? await streamStatus(c.path, token)
        : await s.api(r.method, c.path, { token, body: c.raw === undefined ? c.body : undefined, raw: c.raw, headers: HEADERS[key] || {} });
      row.push(classify(res.status));
      if (process.env.MATRIX_DEBUG && key === process.env.MATRIX_DEBUG) console.log(col, res.status, res.text.slice(0, 200));
    }
    got[key] = row.join(' ');
  }
  if (process.env.MATRIX_RECORD) {
    const w = Math.max(...Object.keys(got).map((k) => k.length)) + 4;
    const lines = Object.entries(got).map(([k, v]) => `  ${`'${k}':`.padEnd(w)} '${v}',`);
    fs.writeFileSync(process.env.MATRIX_RECORD, lines.join('\n') + '\n');
    return;
  }
  const wrong = [];
  for (const [k, v] of Object.entries(got)) {
    if (!EXPECT[k]) continue;
    const want = EXPECT[k].split(' ');
    const have = v.split(' ');
    for (let i = 0; i < COLS.length; i++)
      if (want[i] !== have[i]) wrong.push(`${k} as ${COLS[i]}: expected ${want[i]}, got ${have[i]}`);
  }
  assert.deepEqual(wrong, []);
});

// The logins of the columns, for a second session or after the clock moved.
const LOGIN = {
  vil2: ['13722220010', 'Villager-2026'], cadV2: ['13722220001', 'Matrix-2026'],
  townT2: ['13722220002', 'Matrix-2026'], cadT2: ['13722220003', 'Matrix-2026'],
};
function loginOf(col) {
  if (LOGIN[col]) return LOGIN[col];
  if (col === 'villager') return [s.villager.phone, s.villager.password];
  return [PHONES[col === 'gwg' ? 'grid_worker_grid' : col], PASSWORD];
}
async function freshToken(col) {
  const [phone, pw] = loginOf(col);
  return s.login(phone, pw, { fresh: true });
}
async function relogin() {
  for (const col of COLS) if (col !== 'anon') T[col] = await freshToken(col);
}
