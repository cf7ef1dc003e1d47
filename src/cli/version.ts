declare const __PHOENIX_VERSION__: string | undefined;

/** Injected by the esbuild bundle; read from package.json when running from source (tests). */
export async function phoenixVersion(): Promise<string> {
  if (typeof __PHOENIX_VERSION__ !== 'undefined') return __PHOENIX_VERSION__;
  const { readFileSync } = await import('node:fs');
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
  return pkg.version as string;
}
