// Bundles src/live_notes.js (and its CSS) into ../static/live_notes/ with esbuild.
//
// quill-cursors 4.0.4 ships as a webpack bundle whose style-loader injects a <style> element at
// runtime; our CSP (style-src 'self') blocks that. The plugin below removes that one call (the
// version is pinned in package-lock.json; the build fails if the code no longer matches) and
// src/live_notes.css carries the same rules as a static stylesheet instead.
import * as esbuild from 'esbuild'
import { readFile } from 'node:fs/promises'

const STYLE_INJECTION = ',i()(g.Z,v);'

const noInjectedStyles = {
  name: 'quill-cursors-without-injected-styles',
  setup (build) {
    build.onLoad({ filter: /quill-cursors[\\/]dist[\\/]quill-cursors\.js$/ }, async (args) => {
      const source = await readFile(args.path, 'utf8')
      if (!source.includes(STYLE_INJECTION)) {
        throw new Error('quill-cursors changed: update the style-injection patch in build.mjs')
      }
      return { contents: source.replace(STYLE_INJECTION, ';'), loader: 'js' }
    })
  }
}

await esbuild.build({
  entryPoints: { 'live-notes': 'src/live_notes.js' },
  bundle: true,
  minify: true,
  format: 'iife',
  target: 'es2020',
  outdir: '../static/live_notes',
  loader: { '.css': 'css' },
  legalComments: 'linked',
  plugins: [noInjectedStyles],
  logLevel: 'info'
})
