// The admin console (管理后台, served at /admin/) for cadres, clerks and officials on a
// desktop or laptop screen.
import { createApp } from 'vue';
import 'element-plus/es/components/message/style/css';
import 'element-plus/es/components/message-box/style/css';
import 'element-plus/es/components/loading/style/css';
import { ElLoading } from 'element-plus';
import App from './App.vue';
import { router } from './router';
import { makeI18n, translate } from '@/shared/i18n';
import { onUnauthorized, setNetworkMessage } from '@/shared/api';
import { session } from '@/shared/session';
import messages from '@/locales/zh-CN/admin';
import './style.css';

const i18n = makeI18n(messages);
setNetworkMessage(translate(i18n, 'common.network'));
onUnauthorized(() => {
  session.info = null;
  const cur = router.currentRoute.value;
  if (!cur.meta.public) router.replace({ name: 'login', query: { next: cur.fullPath } });
});

createApp(App).use(i18n).use(router).use(ElLoading).mount('#app');
