// The API token Phoenix authenticates with (`PVEAPIToken=USER@REALM!TOKENID=SECRET`). It comes from
// the environment (PHOENIX_API_TOKEN) or a file only its owner can read (PHOENIX_API_TOKEN_FILE,
// mode 0600 or narrower), never from argv or the config in clear. Nothing here ever puts the secret
// into a message: errors name the variable or the file, and the token's id (USER@REALM!TOKENID).

import { readFileSync, statSync } from 'node:fs';

export interface ApiToken {
  /** USER@REALM!TOKENID: safe to print. */
  readonly id: string;
  /** The Authorization header value. Never print it. */
  readonly header: string;
}

export class TokenError extends Error {
  constructor(
    message: string,
    readonly hint?: string,
  ) {
    super(message);
    this.name = 'TokenError';
  }
}

// PVE: pve-access-control src/PVE/AccessControl.pm:split_tokenid (USER@REALM!TOKENID), the secret a UUID
const TOKEN = /^(?:PVEAPIToken=)?([^\s@!=:]+@[A-Za-z][A-Za-z0-9._-]*![A-Za-z][A-Za-z0-9._-]*)=(\S+)$/;

/** Parses a token's text; `where` names its source for the message. */
export function parseApiToken(text: string, where: string): ApiToken {
  const m = TOKEN.exec(text.trim());
  if (!m) {
    throw new TokenError(`${where} does not hold an API token of the form USER@REALM!TOKENID=SECRET`, 'create one with `pveum user token add USER@REALM TOKENID` (see `phoenix --help`)');
  }
  return { id: m[1], header: `PVEAPIToken=${m[1]}=${m[2]}` };
}

/** PHOENIX_API_TOKEN, else PHOENIX_API_TOKEN_FILE (refused when group or others may read it). */
export function loadApiToken(env: Record<string, string | undefined>, readFile: (p: string) => string = (p) => readFileSync(p, 'utf8')): ApiToken {
  if (env.PHOENIX_API_TOKEN) return parseApiToken(env.PHOENIX_API_TOKEN, '$PHOENIX_API_TOKEN');
  const file = env.PHOENIX_API_TOKEN_FILE;
  if (!file) {
    throw new TokenError('--driver api needs an API token: none in $PHOENIX_API_TOKEN or $PHOENIX_API_TOKEN_FILE', 'export PHOENIX_API_TOKEN_FILE=PATH (a file of mode 0600 holding USER@REALM!TOKENID=SECRET)');
  }
  let mode: number;
  try {
    mode = statSync(file).mode & 0o777;
  } catch (e) {
    throw new TokenError(`cannot read the API token file ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  if (mode & 0o077) {
    throw new TokenError(`the API token file ${file} has mode ${mode.toString(8).padStart(4, '0')}: others may read it; Phoenix refuses it`, `chmod 600 ${file}`);
  }
  return parseApiToken(readFile(file), `the API token file ${file}`);
}
