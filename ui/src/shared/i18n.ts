// vue-i18n set up the same way for both apps: the Composition API, zh-CN first, and
// the message compiler's JIT mode (no eval, as the server's CSP requires).
import { createI18n, type I18n } from 'vue-i18n';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Messages = Record<string, any>;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AppI18n = I18n<any, any, any, string, false>;

export function makeI18n(zhCN: Messages): AppI18n {
  let saved: string | null = null;
  try {
    saved = localStorage.getItem('cz.locale');
  } catch {
    saved = null;
  }
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const options: any = {
    legacy: false,
    locale: saved || 'zh-CN',
    fallbackLocale: 'zh-CN',
    messages: { 'zh-CN': zhCN },
    missingWarn: false,
    fallbackWarn: false,
  };
  return createI18n(options) as AppI18n;
}

// t() outside components (for messages set up before mounting).
export function translate(i18n: AppI18n, key: string): string {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  return (i18n.global as any).t(key) as string;
}
