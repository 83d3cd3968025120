// Routes of the villager app; pages load on demand so the first load stays small.
import { createRouter, createWebHistory } from 'vue-router';
import { loadSession, session } from '@/shared/session';

declare module 'vue-router' {
  interface RouteMeta {
    public?: boolean;   // reachable without logging in
    tab?: string;       // the tab bar item to highlight
    title?: string;     // i18n key of the page title
  }
}

export const router = createRouter({
  history: createWebHistory('/'),
  scrollBehavior: () => ({ top: 0 }),
  routes: [
    { path: '/login', name: 'login', component: () => import('./account/LoginView.vue'), meta: { public: true } },
    { path: '/activate', name: 'activate', component: () => import('./account/ActivateView.vue'), meta: { public: true } },
    { path: '/', name: 'home', component: () => import('./home/HomeView.vue'), meta: { tab: 'home' } },
    { path: '/earn', name: 'earn', component: () => import('./points/EarnView.vue'), meta: { tab: 'earn', title: 'earn.title' } },
    { path: '/claim', name: 'claim', component: () => import('./points/ClaimFormView.vue'), meta: { tab: 'earn', title: 'claim.title' } },
    { path: '/claims', name: 'claims', component: () => import('./points/ClaimsView.vue'), meta: { tab: 'me', title: 'claims.title' } },
    { path: '/claims/:id', name: 'claim-detail', component: () => import('./points/ClaimDetailView.vue'), meta: { tab: 'me', title: 'claims.detail' } },
    { path: '/ledger', name: 'ledger', component: () => import('./points/LedgerView.vue'), meta: { tab: 'me', title: 'ledger.title' } },
    { path: '/publicity', name: 'publicity', component: () => import('./points/PublicityView.vue'), meta: { tab: 'publicity', title: 'publicity.title' } },
    { path: '/rankings', name: 'rankings', component: () => import('./points/RankingsView.vue'), meta: { tab: 'home', title: 'rankings.title' } },
    { path: '/activities', name: 'activities', component: () => import('./points/ActivitiesView.vue'), meta: { tab: 'earn', title: 'activities.title' } },
    { path: '/scan', name: 'scan', component: () => import('./points/ScanView.vue'), meta: { tab: 'earn', title: 'scan.title' } },
    { path: '/shop', name: 'shop', component: () => import('./shop/ShopView.vue'), meta: { tab: 'shop', title: 'shop.title' } },
    { path: '/orders', name: 'orders', component: () => import('./shop/OrdersView.vue'), meta: { tab: 'shop', title: 'orders.title' } },
    { path: '/receipts/:id', name: 'receipt', component: () => import('./shop/ReceiptView.vue'), meta: { tab: 'shop', title: 'receipt.title' } },
    { path: '/notices', name: 'notices', component: () => import('./notices/NoticesView.vue'), meta: { tab: 'home', title: 'notices.title' } },
    { path: '/notices/:id', name: 'notice', component: () => import('./notices/NoticeView.vue'), meta: { tab: 'home', title: 'notices.detail' } },
    { path: '/open', name: 'open', component: () => import('./transparency/OpenView.vue'), meta: { tab: 'home', title: 'tr.openTitle' } },
    { path: '/open/finance', name: 'open-finance', component: () => import('./finance/FinanceView.vue'), meta: { tab: 'home', title: 'fin.openTitle' } },
    { path: '/open/:id(\\d+)', name: 'open-item', component: () => import('./transparency/ItemView.vue'), meta: { tab: 'home', title: 'tr.item' } },
    // a village's 三务公开 and 大事记 for anyone, without an account
    { path: '/p/:village(\\d+)/open', name: 'public-open', component: () => import('./transparency/OpenView.vue'), meta: { public: true } },
    { path: '/p/:village(\\d+)/open/:id(\\d+)', name: 'public-open-item', component: () => import('./transparency/ItemView.vue'), meta: { public: true, title: 'tr.item' } },
    { path: '/report', name: 'report', component: () => import('./events/ReportView.vue'), meta: { tab: 'home', title: 'evv.reportTitle' } },
    { path: '/my-events', name: 'my-events', component: () => import('./events/MyEventsView.vue'), meta: { tab: 'me', title: 'evv.myTitle' } },
    { path: '/my-events/:id', name: 'my-event', component: () => import('./events/EventDetailView.vue'), meta: { tab: 'me', title: 'evv.detailTitle' } },
    { path: '/my-disputes', name: 'my-disputes', component: () => import('./disputes/MyDisputesView.vue'), meta: { tab: 'me', title: 'dsp.v.title' } },
    { path: '/my-disputes/:id(\\d+)', name: 'my-dispute', component: () => import('./disputes/MyDisputeView.vue'), meta: { tab: 'me', title: 'dsp.v.detail' } },
    // the 民情码 a village prints: anyone may report and follow up, without an account
    { path: '/mq/:village(\\d+)', name: 'public-report', component: () => import('./events/PublicReportView.vue'), meta: { public: true } },
    { path: '/mq/:village(\\d+)/track', name: 'public-track', component: () => import('./events/PublicTrackView.vue'), meta: { public: true } },
    { path: '/lists', name: 'lists', component: () => import('./lists/ListsView.vue'), meta: { tab: 'home', title: 'lsv.title' } },
    { path: '/lists/items/:id(\\d+)', name: 'list-item', component: () => import('./lists/ItemView.vue'), meta: { tab: 'home', title: 'lsv.itemTitle' } },
    { path: '/lists/apply/:id(\\d+)', name: 'list-apply', component: () => import('./lists/ApplyView.vue'), meta: { tab: 'home', title: 'lsv.applyTitle' } },
    { path: '/my-requests', name: 'my-requests', component: () => import('./lists/MyRequestsView.vue'), meta: { tab: 'me', title: 'lsv.myTitle' } },
    { path: '/my-requests/:id(\\d+)', name: 'my-request', component: () => import('./lists/RequestView.vue'), meta: { tab: 'me', title: 'lsv.requestTitle' } },
    // the village's lists for anyone, from the QR of the list poster
    { path: '/ql/:village(\\d+)', name: 'public-lists', component: () => import('./lists/PublicListsView.vue'), meta: { public: true } },
    { path: '/broadcasts', name: 'broadcasts', component: () => import('./voice/BroadcastsView.vue'), meta: { tab: 'home', title: 'vo.history' } },
    { path: '/talks', name: 'talks', component: () => import('./voice/TalksView.vue'), meta: { tab: 'home', title: 'vo.talks' } },
    { path: '/talks/:id(\\d+)', name: 'talk', component: () => import('./voice/TalkView.vue'), meta: { tab: 'home', title: 'vo.talks' } },
    { path: '/evaluations', name: 'evaluations', component: () => import('./evaluations/CampaignsView.vue'), meta: { tab: 'home', title: 'evl.title' } },
    { path: '/evaluations/:id(\\d+)', name: 'evaluation', component: () => import('./evaluations/CampaignView.vue'), meta: { tab: 'home', title: 'evl.title' } },
    // a campaign's results for anyone, without an account
    { path: '/pe/:id(\\d+)', name: 'public-evaluation', component: () => import('./evaluations/CampaignView.vue'), meta: { public: true, title: 'evl.results' } },
    { path: '/grid', name: 'grid', component: () => import('./grid/GridView.vue'), meta: { tab: 'grid', title: 'gw.phone.heading' } },
    { path: '/party', name: 'party', component: () => import('./party/PartyView.vue'), meta: { tab: 'home', title: 'pty.nav.group' } },
    { path: '/party/hall', name: 'party-hall', component: () => import('./party/HallView.vue'), meta: { tab: 'home', title: 'pty.questions' } },
    { path: '/party/learn', name: 'party-learn', component: () => import('./party/LearnView.vue'), meta: { tab: 'home', title: 'pty.learn.nav' } },
    { path: '/party/learn/course/:id(\\d+)', name: 'party-course', component: () => import('./party/CourseView.vue'), meta: { tab: 'home', title: 'pty.learn.courses' } },
    { path: '/party/learn/quiz/:id(\\d+)', name: 'party-quiz', component: () => import('./party/QuizView.vue'), meta: { tab: 'home', title: 'pty.learn.quizzes' } },
    // a village's commitments and service diary for anyone, without an account
    { path: '/p/:village(\\d+)/party', name: 'public-party', component: () => import('./party/PartyView.vue'), meta: { public: true } },
    // a village's public page (from the QR code on the notice board) and its A4 poster
    { path: '/v/:village(\\d+)', name: 'public-village', component: () => import('./portal/VillageView.vue'), meta: { public: true } },
    { path: '/v/:village(\\d+)/poster', name: 'public-village-poster', component: () => import('./portal/PosterView.vue'), meta: { public: true } },
    { path: '/me', name: 'me', component: () => import('./account/MeView.vue'), meta: { tab: 'me', title: 'me.title' } },
    { path: '/:rest(.*)*', redirect: '/' },
  ],
});

router.beforeEach(async (to) => {
  if (!session.loaded) {
    try {
      await loadSession();
    } catch {
      /* offline: the page shows its own error */
    }
  }
  if (!to.meta.public && !session.info) return { name: 'login', query: to.fullPath !== '/' ? { next: to.fullPath } : {} };
  if ((to.name === 'login' || to.name === 'activate') && session.info) return { name: 'home' };
  // a grid worker who is not a villager here starts on the 网格 tab
  const g = session.info?.grants || [];
  if (to.name === 'home' && g.length && !g.some((x) => x.role === 'villager') && g.some((x) => x.role === 'grid_worker' || x.role === 'grid_leader')) return { name: 'grid' };
  return true;
});
