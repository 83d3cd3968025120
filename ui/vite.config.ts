// Vite build of the two web apps served by cunzhi from ui/dist: the villager app
// (index.html → /) and the admin console (admin/index.html → /admin/). Hashed assets
// land in /assets/ (cached immutable by the server). No CDN, no inline scripts: the
// server's CSP allows scripts from 'self' only.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants as zc, gzipSync } from 'node:zlib';
import { defineConfig, type Plugin } from 'vite';
import vue from '@vitejs/plugin-vue';
import Components from 'unplugin-vue-components/vite';
import { VantResolver } from '@vant/auto-import-resolver';
import { ElementPlusResolver } from 'unplugin-vue-components/resolvers';

const here = dirname(fileURLToPath(import.meta.url));

// Vant's icon font is embedded in its CSS as a data: URL with a fallback on a CDN;
// the server's CSP allows fonts from 'self' only. This writes the font out as files
// so that it is built into /assets/ like everything else, and drops the CDN fallback.
// The font (259 icons, 25 KB) is split in two by unicode-range: the icons named
// anywhere in the villager app's sources or in Vant's own code, and the rest. A
// browser downloads a face only when a page shows one of its characters, so the
// first load carries the small one; an icon missed by the scan still shows, from the
// second. The split needs fontTools (python3-fonttools and python3-brotli, installed
// by scripts/deps.sh); without it the whole font is one file as before.
function walkFiles(dir: string, re: RegExp): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    if (statSync(p).isDirectory()) return walkFiles(p, re);
    return re.test(n) ? [p] : [];
  });
}

function usedIconNames(names: Set<string>): Set<string> {
  const used = new Set<string>();
  const files = [
    ...walkFiles(resolve(here, 'src/villager'), /\.(vue|ts)$/),
    ...walkFiles(resolve(here, 'src/shared'), /\.(vue|ts)$/),
    ...walkFiles(resolve(here, 'node_modules/vant/es'), /\.mjs$/),
  ];
  for (const f of files) {
    for (const m of readFileSync(f, 'utf8').matchAll(/["'`]([a-z0-9-]+)["'`]/g)) if (names.has(m[1])) used.add(m[1]);
  }
  return used;
}

function subsetFont(src: string, out: string, codes: number[]): boolean {
  const unicodes = codes.map((c) => c.toString(16)).join(',');
  for (const py of ['/usr/bin/python3', 'python3']) {
    const r = spawnSync(py, ['-m', 'fontTools.subset', src, `--unicodes=${unicodes}`, '--flavor=woff2', `--output-file=${out}`], { encoding: 'utf8' });
    if (r.status === 0) return true;
  }
  return false;
}

function vantIconFontAsFile(): Plugin {
  const fontRe = /url\(data:font\/woff2;charset=utf-8;base64,([A-Za-z0-9+/=]+)\) format\("woff2"\)(,url\([^)]*\) format\("woff"\))?/;
  return {
    name: 'cunzhi-vant-icon-font',
    enforce: 'pre',
    transform(code, id) {
      const path = id.split('?')[0];
      if (!/[\\/]vant[\\/]es[\\/]icon[\\/]index\.css$/.test(path)) return null;
      const m = fontRe.exec(code);
      if (!m) return null;
      const dir = resolve(here, 'node_modules/.cunzhi');
      mkdirSync(dir, { recursive: true });
      const file = join(dir, 'vant-icon.woff2');
      writeFileSync(file, Buffer.from(m[1], 'base64'));
      const rel = (f: string) => relative(dirname(path), f).split('\\').join('/');
      const whole = code.replace(m[0], `url("${rel(file)}") format("woff2")`);

      const codes = new Map<string, number>();
      for (const c of code.matchAll(/\.van-icon-([a-z0-9-]+):before\{content:"\\([0-9a-f]+)"\}/g)) codes.set(c[1], parseInt(c[2], 16));
      const used = usedIconNames(new Set(codes.keys()));
      const first = [...new Set([...used].map((n) => codes.get(n)!))].sort((a, b) => a - b);
      const rest = [...new Set([...codes.values()])].filter((c) => !first.includes(c)).sort((a, b) => a - b);
      const face = /@font-face\{[^}]*\}/.exec(whole);
      const firstFile = join(dir, 'vant-icon-app.woff2');
      const restFile = join(dir, 'vant-icon-more.woff2');
      if (!face || !first.length || !rest.length || !subsetFont(file, firstFile, first) || !subsetFont(file, restFile, rest)) {
        this.warn('vant icon font not split (python3-fonttools missing?): one file');
        return { code: whole, map: null };
      }
      const range = (cs: number[]) => cs.map((c) => `U+${c.toString(16).toUpperCase()}`).join(',');
      const faceFor = (f: string, cs: number[]) =>
        face[0].replace(`url("${rel(file)}") format("woff2")`, `url("${rel(f)}") format("woff2")`).replace(/\}$/, `;unicode-range:${range(cs)}}`);
      return { code: whole.replace(face[0], faceFor(firstFile, first) + faceFor(restFile, rest)), map: null };
    },
  };
}

// Every text file of the build gets a .br and a .gz beside it, at the highest levels
// (built once, served many times); the server sends the one a request's
// Accept-Encoding prefers (src/http/static.c). Node's own zlib does both, so the build
// needs no brotli tool or plugin. A variant no smaller than its file is not written.
function precompressed(): Plugin {
  const text = /\.(html|js|css|svg|json|webmanifest|txt)$/;
  let outDir = '';
  const walk = (dir: string): string[] =>
    readdirSync(dir).flatMap((n) => {
      const p = join(dir, n);
      return statSync(p).isDirectory() ? walk(p) : [p];
    });
  return {
    name: 'cunzhi-precompressed',
    apply: 'build',
    configResolved(c) { outDir = resolve(c.root, c.build.outDir); },
    closeBundle() {
      for (const file of walk(outDir)) {
        if (!text.test(file) || /[\\/]\.vite[\\/]/.test(file)) continue;
        const data = readFileSync(file);
        if (data.length < 256) continue;
        const br = brotliCompressSync(data, {
          params: { [zc.BROTLI_PARAM_QUALITY]: 11, [zc.BROTLI_PARAM_SIZE_HINT]: data.length },
        });
        const gz = gzipSync(data, { level: 9 });
        if (br.length < data.length) writeFileSync(file + '.br', br);
        if (gz.length < data.length) writeFileSync(file + '.gz', gz);
      }
    },
  };
}

export default defineConfig({
  base: '/',
  plugins: [
    vantIconFontAsFile(),
    vue(),
    precompressed(),
    // Vant and Element Plus components (and their CSS) imported on demand.
    Components({
      dts: false,
      resolvers: [VantResolver(), ElementPlusResolver({ importStyle: 'css' })],
    }),
  ],
  define: {
    __VUE_OPTIONS_API__: 'true',
    __VUE_PROD_DEVTOOLS__: 'false',
    __VUE_PROD_HYDRATION_MISMATCH_DETAILS__: 'false',
    __VUE_I18N_FULL_INSTALL__: 'false',
    __VUE_I18N_LEGACY_API__: 'false',
    __INTLIFY_PROD_DEVTOOLS__: 'false',
    __INTLIFY_JIT_COMPILATION__: 'true',
    __INTLIFY_DROP_MESSAGE_COMPILER__: 'false',
  },
  resolve: {
    alias: { '@': resolve(here, 'src') },
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // dist/.vite/manifest.json: which files each page and route loads (tests/ui/bundle-size.js)
    manifest: true,
    assetsDir: 'assets',
    target: 'es2019',
    cssCodeSplit: true,
    chunkSizeWarningLimit: 1200,
    // no inline data: URLs for scripts; small images may be inlined (img-src allows data:)
    assetsInlineLimit: 4096,
    rollupOptions: {
      input: {
        villager: resolve(here, 'index.html'),
        admin: resolve(here, 'admin/index.html'),
      },
      // tiny shared chunks (a helper of a few hundred bytes) cost a request and its
      // headers each on a slow link: merged into a chunk that loads with them
      output: { experimentalMinChunkSize: 2048 },
    },
  },
  server: {
    proxy: { '/api': 'http://127.0.0.1:8080', '/healthz': 'http://127.0.0.1:8080' },
  },
});
