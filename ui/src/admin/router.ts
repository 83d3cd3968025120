// Routes of the admin console (under /admin/); pages load on demand.
import { createRouter, createWebHistory } from 'vue-router';
import { hasRole, loadSession, session } from '@/shared/session';
import { initScope, scope } from './scope';

declare module 'vue-router' {
  interface RouteMeta {
    public?: boolean;
    sessionless?: boolean; // never asks who is logged in (the 大屏 opened with a display token)
    title?: string;
    village?: boolean;   // works on the scope's village
  }
}

export const router = createRouter({
  history: createWebHistory('/admin/'),
  scrollBehavior: () => ({ top: 0 }),
  routes: [
    { path: '/login', name: 'login', component: () => import('./login/LoginView.vue'), meta: { public: true, title: 'login.title' } },
    { path: '/', name: 'overview', component: () => import('./overview/OverviewView.vue'), meta: { title: 'nav.overview' } },
    { path: '/households', name: 'households', component: () => import('./register/HouseholdsView.vue'), meta: { title: 'nav.households' } },
    { path: '/units', name: 'units', component: () => import('./org/UnitsView.vue'), meta: { title: 'nav.units' } },
    { path: '/households/:id', name: 'household', component: () => import('./register/HouseholdView.vue'), meta: { title: 'nav.household' } },
    { path: '/grids', name: 'grids', component: () => import('./grids/GridsView.vue'), meta: { title: 'nav.grids', village: true } },
    { path: '/import', name: 'import', component: () => import('./register/ImportView.vue'), meta: { title: 'nav.import', village: true } },
    { path: '/users', name: 'users', component: () => import('./org/UsersView.vue'), meta: { title: 'nav.users' } },
    { path: '/review', name: 'review', component: () => import('./points/ReviewView.vue'), meta: { title: 'nav.review' } },
    { path: '/proxy-claim', name: 'proxy-claim', component: () => import('./points/ProxyClaimView.vue'), meta: { title: 'nav.proxyClaim' } },
    { path: '/awards', name: 'awards', component: () => import('./points/AwardsView.vue'), meta: { title: 'nav.awards', village: true } },
    { path: '/rules', name: 'rules', component: () => import('./points/RulesView.vue'), meta: { title: 'nav.rules', village: true } },
    { path: '/publicity', name: 'publicity', component: () => import('./points/PublicityView.vue'), meta: { title: 'nav.publicity', village: true } },
    { path: '/activities', name: 'activities', component: () => import('./points/ActivitiesView.vue'), meta: { title: 'nav.activities', village: true } },
    { path: '/rankings', name: 'rankings', component: () => import('./points/RankingsView.vue'), meta: { title: 'nav.rankings', village: true } },
    { path: '/ledger', name: 'ledger', component: () => import('./points/LedgerView.vue'), meta: { title: 'nav.ledger', village: true } },
    { path: '/shop/counter', name: 'shop-counter', component: () => import('./shop/CounterView.vue'), meta: { title: 'nav.counter', village: true } },
    { path: '/shop/goods', name: 'shop-goods', component: () => import('./shop/GoodsView.vue'), meta: { title: 'nav.goods', village: true } },
    { path: '/shop/ledger', name: 'shop-ledger', component: () => import('./shop/StockLedgerView.vue'), meta: { title: 'nav.stockLedger', village: true } },
    { path: '/shop/reports', name: 'shop-reports', component: () => import('./shop/ShopReportsView.vue'), meta: { title: 'nav.shopReports', village: true } },
    { path: '/shop/cards', name: 'shop-cards', component: () => import('./shop/CardsView.vue'), meta: { title: 'nav.cards', village: true } },
    { path: '/shop/settings', name: 'shop-settings', component: () => import('./shop/ShopSettingsView.vue'), meta: { title: 'nav.shopSettings', village: true } },
    { path: '/notices', name: 'notices', component: () => import('./notices/NoticesView.vue'), meta: { title: 'nav.notices' } },
    { path: '/disclosures', name: 'disclosures', component: () => import('./transparency/DisclosuresView.vue'), meta: { title: 'tr.nav.disclosures' } },
    { path: '/disclosure-board', name: 'disclosure-board', component: () => import('./transparency/BoardView.vue'), meta: { title: 'tr.nav.board' } },
    { path: '/finance/entries', name: 'finance-entries', component: () => import('./finance/EntriesView.vue'), meta: { title: 'fin.nav.entries', village: true } },
    { path: '/finance/approval', name: 'finance-approval', component: () => import('./finance/EntriesView.vue'), meta: { title: 'fin.nav.approval', village: true } },
    { path: '/finance/statements', name: 'finance-statements', component: () => import('./finance/StatementView.vue'), meta: { title: 'fin.nav.statements', village: true } },
    { path: '/chronicle', name: 'chronicle', component: () => import('./transparency/ChronicleView.vue'), meta: { title: 'tr.nav.chronicle', village: true } },
    { path: '/events/intake', name: 'events-intake', component: () => import('./events/IntakeView.vue'), meta: { title: 'eva.nav.intake' } },
    { path: '/events/new', name: 'events-new', component: () => import('./events/NewEventView.vue'), meta: { title: 'eva.nav.new', village: true } },
    { path: '/events/inbox', name: 'events-inbox', component: () => import('./events/InboxView.vue'), meta: { title: 'eva.nav.inbox' } },
    { path: '/events/board', name: 'events-board', component: () => import('./events/BoardView.vue'), meta: { title: 'eva.nav.board' } },
    { path: '/events/stats', name: 'events-stats', component: () => import('./events/StatsView.vue'), meta: { title: 'eva.nav.stats' } },
    { path: '/events/settings', name: 'events-settings', component: () => import('./disputes/SettingsView.vue'), meta: { title: 'dsp.nav.settings' } },
    { path: '/events/poster', name: 'events-poster', component: () => import('./events/PosterView.vue'), meta: { title: 'eva.nav.poster', village: true } },
    { path: '/events/:id(\\d+)', name: 'event', component: () => import('./events/EventView.vue'), meta: { title: 'eva.nav.event' } },
    { path: '/disputes', name: 'disputes', component: () => import('./disputes/DisputesView.vue'), meta: { title: 'dsp.nav.disputes' } },
    { path: '/disputes/:id(\\d+)', name: 'dispute', component: () => import('./disputes/DisputeView.vue'), meta: { title: 'dsp.nav.dispute' } },
    { path: '/emergencies', name: 'emergencies', component: () => import('./disputes/EmergenciesView.vue'), meta: { title: 'dsp.nav.emergencies' } },
    { path: '/emergencies/:id(\\d+)', name: 'emergency', component: () => import('./disputes/EmergencyView.vue'), meta: { title: 'dsp.nav.emergency' } },
    { path: '/lists/templates', name: 'list-templates', component: () => import('./lists/TemplatesView.vue'), meta: { title: 'lsa.nav.templates' } },
    { path: '/lists/adopted', name: 'lists-adopted', component: () => import('./lists/AdoptedView.vue'), meta: { title: 'lsa.nav.adopted', village: true } },
    { path: '/lists/executions', name: 'list-executions', component: () => import('./lists/ExecutionsView.vue'), meta: { title: 'lsa.nav.executions' } },
    { path: '/lists/executions/:id(\\d+)', name: 'list-execution', component: () => import('./lists/ExecutionView.vue'), meta: { title: 'lsa.nav.execution' } },
    { path: '/lists/board', name: 'list-board', component: () => import('./lists/BoardView.vue'), meta: { title: 'lsa.nav.board' } },
    { path: '/lists/stats', name: 'list-stats', component: () => import('./lists/StatsView.vue'), meta: { title: 'lsa.nav.stats' } },
    { path: '/lists/poster', name: 'list-poster', component: () => import('./lists/PosterView.vue'), meta: { title: 'lsa.nav.poster', village: true } },
    { path: '/broadcast', name: 'broadcast', component: () => import('./voice/BroadcastView.vue'), meta: { title: 'vo.nav.broadcast', village: true } },
    { path: '/speakers', name: 'speakers', component: () => import('./voice/SpeakersView.vue'), meta: { title: 'vo.nav.speakers', village: true } },
    { path: '/talks', name: 'talks', component: () => import('./voice/TalksView.vue'), meta: { title: 'vo.nav.talks', village: true } },
    { path: '/grid-map', name: 'grid-map', component: () => import('./gridwork/VillageMapView.vue'), meta: { title: 'gw.nav.map', village: true } },
    { path: '/grid-patrols', name: 'grid-patrols', component: () => import('./gridwork/PatrolsView.vue'), meta: { title: 'gw.nav.patrols' } },
    { path: '/grid-allowance', name: 'grid-allowance', component: () => import('./gridwork/AllowanceView.vue'), meta: { title: 'gw.nav.allowance' } },
    { path: '/grid-settings', name: 'grid-settings', component: () => import('./gridwork/SettingsView.vue'), meta: { title: 'gw.nav.settings' } },
    { path: '/party/members', name: 'party-members', component: () => import('./party/MembersView.vue'), meta: { title: 'pty.nav.members' } },
    { path: '/party/meetings', name: 'party-meetings', component: () => import('./party/MeetingsView.vue'), meta: { title: 'pty.nav.meetings' } },
    { path: '/party/compliance', name: 'party-compliance', component: () => import('./party/ComplianceView.vue'), meta: { title: 'pty.nav.compliance' } },
    { path: '/party/service', name: 'party-service', component: () => import('./party/ServiceView.vue'), meta: { title: 'pty.nav.service' } },
    { path: '/party/learning', name: 'party-learning', component: () => import('./party/LearningView.vue'), meta: { title: 'pty.learn.nav' } },
    { path: '/party/study', name: 'party-study', component: () => import('./party/StudyView.vue'), meta: { title: 'pty.learn.records' } },
    { path: '/evaluations', name: 'evaluations', component: () => import('./evaluations/EvaluationsView.vue'), meta: { title: 'evl.nav.campaigns', village: true } },
    { path: '/screen/:token', name: 'screen', component: () => import('./dashboards/ScreenView.vue'), meta: { public: true, sessionless: true, title: 'dash.screen.title' } },
    { path: '/dashboard/:unitId(\\d+)/report', name: 'dashboard-report', component: () => import('./dashboards/ReportView.vue'), meta: { title: 'dash.report.nav' } },
    { path: '/dashboard/:unitId(\\d+)?', name: 'dashboard', component: () => import('./dashboards/DashboardView.vue'), meta: { title: 'dash.nav' } },
    { path: '/audit', name: 'audit', component: () => import('./org/AuditView.vue'), meta: { title: 'nav.audit' } },
    { path: '/:rest(.*)*', redirect: '/' },
  ],
});

// Where a role starts its day: the overview for those who oversee a village or more,
// otherwise the page made for the role's work (the overview stays in the menu).
const LANDINGS: [string, string][] = [
  ['clerk', '/shop/counter'], ['accountant', '/finance/entries'], ['assessor', '/review'],
  ['grid_leader', '/proxy-claim'], ['grid_worker', '/proxy-claim'], ['handler', '/events/inbox'],
  ['operator', '/events/new'], ['party_secretary', '/party/members'], ['party_org', '/party/compliance'],
  ['inspector', '/audit'],
];
export function landing(): string {
  if (hasRole('cadre', 'town_official', 'county_admin')) return '/';
  return LANDINGS.find(([role]) => hasRole(role))?.[1] || '/';
}

router.beforeEach(async (to) => {
  if (to.meta.sessionless) return true;
  if (!session.loaded) {
    try {
      await loadSession();
    } catch {
      /* offline: pages show their own errors */
    }
  }
  if (!to.meta.public && !session.info) return { name: 'login', query: to.fullPath !== '/' ? { next: to.fullPath } : {} };
  if (session.info && !scope.grantKey) await initScope();
  if (to.name === 'login' && session.info) return landing();
  return true;
});
