// vue-i18n set up the same way for both apps: the Composition API, zh-CN first, and
// the message compiler's JIT mode (no eval, as the server's CSP requires).
import { createI18n } from 'vue-i18n';

export type Messages = Record<string, unknown>;

export function makeI18n(zhCN: Messages) {
  const saved = typeof localStorage !== 'undefined' ? localStorage.getItem('cz.locale') : null;
  return createI18n({
    legacy: false,
    locale: saved || 'zh-CN',
    fallbackLocale: 'zh-CN',
    messages: { 'zh-CN': zhCN },
    missingWarn: false,
    fallbackWarn: false,
  });
}
