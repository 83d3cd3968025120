// vue-i18n set up the same way for both apps: the Composition API, zh-CN first, and
// the message compiler's JIT mode (no eval, as the server's CSP requires).
//
// The language: Simplified Chinese by default, English on request, remembered on this
// device (localStorage "cz.locale", shared by both apps). The texts of another
// language load on demand, so the first load carries Chinese only; a text missing
// there is shown in Chinese. Each app registers what else follows the language (the
// component library's own texts) with onLocaleChange.
import { ref } from 'vue';
import { createI18n, type I18n } from 'vue-i18n';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Messages = Record<string, any>;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AppI18n = I18n<any, any, any, string, false>;

export type LocaleCode = 'zh-CN' | 'en-US';
export const DEFAULT_LOCALE: LocaleCode = 'zh-CN';

// The languages offered, each named in itself.
export const LOCALES: { code: LocaleCode; label: string }[] = [
  { code: 'zh-CN', label: '简体中文' },
  { code: 'en-US', label: 'English' },
];

const STORE = 'cz.locale';

// The language shown now (for what vue-i18n does not cover, such as the component
// libraries' texts).
export const currentLocale = ref<LocaleCode>(DEFAULT_LOCALE);

type Loader = () => Promise<{ default: Messages }>;
type Hook = (code: LocaleCode) => void;

const loaders = new Map<string, Loader>();
const loaded = new Set<string>([DEFAULT_LOCALE]);
const hooks: Hook[] = [];
let app: AppI18n | null = null;   // the page's one i18n (one app per page)

function isLocale(s: string | null): s is LocaleCode {
  return !!s && LOCALES.some((l) => l.code === s);
}

// The language remembered on this device, or the default.
export function savedLocale(): LocaleCode {
  let saved: string | null = null;
  try {
    saved = localStorage.getItem(STORE);
  } catch {
    saved = null;
  }
  return isLocale(saved) ? saved : DEFAULT_LOCALE;
}

// The app's i18n with its Chinese texts; `others` loads the texts of each other
// language when it is first chosen (and may fetch the component library's texts of
// that language alongside). The language starts as Chinese: call
// setLocale(savedLocale()) before mounting.
export function makeI18n(zhCN: Messages, others: Partial<Record<LocaleCode, Loader>> = {}): AppI18n {
  for (const [code, load] of Object.entries(others)) if (load) loaders.set(code, load);
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const options: any = {
    legacy: false,
    locale: DEFAULT_LOCALE,
    fallbackLocale: DEFAULT_LOCALE,
    messages: { [DEFAULT_LOCALE]: zhCN },
    missingWarn: false,
    fallbackWarn: false,
  };
  app = createI18n(options) as AppI18n;
  return app;
}

// Runs fn at every setLocale (the first one at start-up), once the texts have switched.
export function onLocaleChange(fn: Hook): void {
  hooks.push(fn);
}

// Shows the app in `code`: loads its texts if needed, then switches vue-i18n, the
// registered hooks and <html lang>, and remembers the choice. A language whose texts
// cannot be loaded (the network dropped) leaves the app as it was and rejects.
export async function setLocale(code: LocaleCode, remember = true): Promise<void> {
  const i18n = app;
  if (!i18n) throw new Error('makeI18n first');
  if (!isLocale(code)) code = DEFAULT_LOCALE;
  if (!loaded.has(code)) {
    const load = loaders.get(code);
    if (load) {
      const m = await load();
      i18n.global.setLocaleMessage(code, m.default);
    }
    loaded.add(code);
  }
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  (i18n.global.locale as any).value = code;
  currentLocale.value = code;
  document.documentElement.lang = code;
  for (const fn of hooks) fn(code);
  if (remember) {
    try {
      localStorage.setItem(STORE, code);
    } catch {
      /* private mode: remembered for this visit only */
    }
  }
}

// t() outside components (for messages set up before mounting).
export function translate(i18n: AppI18n, key: string): string {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  return (i18n.global as any).t(key) as string;
}
