// The admin console (管理后台, served at /admin/) for cadres, clerks and officials on a
// desktop or laptop screen.
import { createApp } from 'vue';
import 'element-plus/es/components/message/style/css';
import 'element-plus/es/components/message-box/style/css';
import 'element-plus/es/components/loading/style/css';
import { ElLoading } from 'element-plus';
import App from './App.vue';
import { router } from './router';
import { makeI18n, onLocaleChange, savedLocale, setLocale, translate } from '@/shared/i18n';
import { onUnauthorized, setNetworkMessage, setServerMessage } from '@/shared/api';
import { session } from '@/shared/session';
import messages from '@/locales/zh-CN/admin';
import './style.css';

// English loads only when chosen; Element Plus follows the language in App.vue.
const i18n = makeI18n(messages, { 'en-US': () => import('@/locales/en-US/admin') });
onLocaleChange(() => {
  setNetworkMessage(translate(i18n, 'common.network'));
  setServerMessage(translate(i18n, 'common.serverError'));
  document.title = translate(i18n, 'app.adminName');
});
onUnauthorized(() => {
  session.info = null;
  const cur = router.currentRoute.value;
  if (!cur.meta.public) router.replace({ name: 'login', query: { next: cur.fullPath } });
});

const app = createApp(App).use(i18n).use(router).use(ElLoading);
// A language other than Chinese remembered on this device loads before the first page;
// the app mounts once its first page is ready too, so the static shell in index.html
// stays until there is a page to replace it (never a blank frame in between).
Promise.all([
  setLocale(savedLocale(), false).catch(() => setLocale('zh-CN', false)),
  router.isReady().catch(() => undefined),
]).finally(() => app.mount('#app'));
