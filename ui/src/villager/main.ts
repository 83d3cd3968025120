// The villager app (村民端, served at /): a phone page for 360–414 px screens.
import { createApp } from 'vue';
import { Locale } from 'vant';
import 'vant/es/toast/style';
import 'vant/es/dialog/style';
import App from './App.vue';
import { router } from './router';
import { makeI18n, onLocaleChange, savedLocale, setLocale, translate } from '@/shared/i18n';
import { onUnauthorized, setNetworkMessage, setServerMessage } from '@/shared/api';
import { session } from '@/shared/session';
import messages from '@/locales/zh-CN/villager';
import './style.css';
import './pwa';

// English (the app's texts and Vant's) loads only when chosen.
const i18n = makeI18n(messages, {
  'en-US': async () => {
    const [m, vant] = await Promise.all([import('@/locales/en-US/villager'), import('vant/es/locale/lang/en-US')]);
    Locale.add({ 'en-US': vant.default });
    return m;
  },
});
onLocaleChange((code) => {
  Locale.use(code);
  setNetworkMessage(translate(i18n, 'common.network'));
  setServerMessage(translate(i18n, 'common.serverError'));
  document.title = translate(i18n, 'app.name');
});
onUnauthorized(() => {
  session.info = null;
  const cur = router.currentRoute.value;
  if (!cur.meta.public) router.replace({ name: 'login', query: { next: cur.fullPath } });
});

const app = createApp(App).use(i18n).use(router);
// A language other than Chinese remembered on this device loads before the first page;
// the app mounts once its first page is ready too, so the static shell in index.html
// stays until there is a page to replace it (never a blank frame in between).
Promise.all([
  setLocale(savedLocale(), false).catch(() => setLocale('zh-CN', false)),
  router.isReady().catch(() => undefined),
]).finally(() => app.mount('#app'));
