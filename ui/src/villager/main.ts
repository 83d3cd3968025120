// The villager app (村民端, served at /): a phone page for 360–414 px screens.
import { createApp } from 'vue';
import 'vant/es/toast/style';
import 'vant/es/dialog/style';
import App from './App.vue';
import { router } from './router';
import { makeI18n, translate } from '@/shared/i18n';
import { onUnauthorized, setNetworkMessage } from '@/shared/api';
import { session } from '@/shared/session';
import messages from '@/locales/zh-CN/villager';
import './style.css';

const i18n = makeI18n(messages);
setNetworkMessage(translate(i18n, 'common.network'));
onUnauthorized(() => {
  session.info = null;
  const cur = router.currentRoute.value;
  if (!cur.meta.public) router.replace({ name: 'login', query: { next: cur.fullPath } });
});

createApp(App).use(i18n).use(router).mount('#app');
