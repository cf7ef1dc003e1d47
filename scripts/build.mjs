// Builds dist/ with esbuild: an ESM bundle split per command so `phoenix --version`
// loads only the CLI shell (commander), and zod etc. load lazily with the verb that needs them.
import { build } from 'esbuild';
import { readFileSync, chmodSync } from 'node:fs';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));

await build({
  entryPoints: { cli: 'src/cli/bin.ts', 'sim-cli': 'src/sim/frontend/main.ts' },
  outdir: 'dist',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  sourcemap: false,
  logLevel: 'warning',
  define: { __PHOENIX_VERSION__: JSON.stringify(pkg.version) },
  banner: {
    js: "#!/usr/bin/env node\nimport { createRequire as __phxCreateRequire } from 'node:module'; const require = __phxCreateRequire(import.meta.url);",
  },
});
chmodSync(new URL('../dist/cli.js', import.meta.url), 0o755);
chmodSync(new URL('../dist/sim-cli.js', import.meta.url), 0o755);
