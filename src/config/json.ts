// A small JSON parser that remembers where every value is. JSON.parse gives neither a line and
// column for syntax errors (Node 20 often says only "at position N", sometimes nothing) nor a way
// to locate a key afterwards, and it silently keeps the last of two duplicate keys; config
// diagnostics need all three. Pure: takes text, returns data.

export type JsonPath = ReadonlyArray<string | number>;

export interface JsonLocation {
  line: number; // 1-based
  column: number; // 1-based, in UTF-16 code units
}

export interface JsonDuplicateKey {
  path: JsonPath; // path of the repeated key
  at: JsonLocation; // where it is repeated
  first: JsonLocation; // where it was first defined
}

export interface JsonDocument {
  value: unknown;
  /** Location of the value (array items) or of the key (object members) at `path`. */
  locate(path: JsonPath): JsonLocation | undefined;
  duplicates: JsonDuplicateKey[];
}

export type JsonParseResult = ({ ok: true } & JsonDocument) | { ok: false; message: string; at: JsonLocation };

class JsonSyntaxError extends Error {
  constructor(
    message: string,
    readonly index: number,
  ) {
    super(message);
  }
}

/** Where a value is (for object members: where its key is), with its children's locations. */
interface LocNode {
  at: number;
  keys?: Map<string, LocNode>;
  items?: LocNode[];
}

/** Deeper nesting is surely a mistake, and would otherwise overflow the stack. */
const MAX_DEPTH = 256;
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

/** Parses `text` as one JSON value; never throws. A leading byte-order mark is ignored. */
export function parseJson(text: string): JsonParseResult {
  const lineStarts = [0];
  for (let i = 0; i < text.length; i++) if (text[i] === '\n') lineStarts.push(i + 1);
  const at = (index: number): JsonLocation => {
    let lo = 0;
    let hi = lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (lineStarts[mid] <= index) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: index - lineStarts[lo] + 1 };
  };
  const duplicates: JsonDuplicateKey[] = [];
  const path: (string | number)[] = []; // of the value being parsed, for duplicate reports
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;

  const fail = (message: string, index = i): never => {
    throw new JsonSyntaxError(message, index);
  };
  // What is at `index`, by kind only: the file may be something else than a Phoenix file (a token,
  // /etc/shadow, a key), so its text is never repeated; only a single punctuation mark is shown.
  const describe = (index: number): string => {
    if (index >= text.length) return 'end of file';
    const c = text[index]!;
    const word = /^[A-Za-z_][\w.-]*/.exec(text.slice(index, index + 64));
    if (word) return /^(true|false|null)$/i.test(word[0]) ? 'unquoted text (true, false and null are lower-case in JSON)' : 'unquoted text';
    if (/[0-9-]/.test(c)) return 'a number';
    if (c === '"') return 'a string';
    if (/[!-/:-@[-`{-~]/.test(c)) return `'${c}'`;
    const code = c.charCodeAt(0);
    return code < 0x20 || code === 0x7f ? 'a control character' : 'a non-ASCII character';
  };
  const skip = (): void => {
    for (;;) {
      const c = text[i];
      if (c === ' ' || c === '\t' || c === '\n' || c === '\r') i++;
      else if (c === '/' && (text[i + 1] === '/' || text[i + 1] === '*')) fail('comments are not allowed in JSON');
      else return;
    }
  };

  const parseString = (): string => {
    const start = i;
    i++; // opening quote
    for (;;) {
      if (i >= text.length) fail('unterminated string (missing closing ")', start);
      const c = text.charCodeAt(i);
      if (c === 0x22) break;
      if (c < 0x20) fail(c === 0x0a ? 'unterminated string (line break inside a string)' : 'control character inside a string must be escaped');
      if (c === 0x5c) {
        const e = text[i + 1];
        if (e === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) fail('invalid \\u escape (expected 4 hex digits)');
          i += 6;
          continue;
        }
        if (!e || !'"\\/bfnrt'.includes(e)) fail(`invalid escape \\${e ?? ''} in string`);
        i += 2;
        continue;
      }
      i++;
    }
    i++; // closing quote
    const raw = text.slice(start + 1, i - 1);
    return raw.includes('\\') ? (JSON.parse(text.slice(start, i)) as string) : raw;
  };

  const parseValue = (): { value: unknown; node: LocNode } => {
    skip();
    if (path.length > MAX_DEPTH) fail(`nested deeper than ${MAX_DEPTH} levels`);
    const node: LocNode = { at: i };
    const c = text[i];
    if (c === '{') return { value: parseObject(node), node };
    if (c === '[') return { value: parseArray(node), node };
    if (c === '"') return { value: parseString(), node };
    if (c === "'") fail('strings must use double quotes (")');
    if (c === '-' || (c >= '0' && c <= '9')) {
      NUMBER.lastIndex = i;
      const m = NUMBER.exec(text);
      if (!m) fail('invalid number');
      i += m![0].length;
      return { value: Number(m![0]), node };
    }
    for (const [word, value] of [
      ['true', true],
      ['false', false],
      ['null', null],
    ] as const) {
      if (text.startsWith(word, i) && !/[\w]/.test(text[i + word.length] ?? '')) {
        i += word.length;
        return { value, node };
      }
    }
    if (i >= text.length) fail(path.length === 0 && text.trim() === '' ? 'the file is empty' : 'unexpected end of file (expected a value)');
    return fail(`unexpected ${describe(i)} (expected a value: object, array, string, number, true, false or null)`);
  };

  const parseObject = (node: LocNode): Record<string, unknown> => {
    const out: Record<string, unknown> = {};
    const keys = (node.keys = new Map<string, LocNode>());
    i++;
    skip();
    if (text[i] === '}') {
      i++;
      return out;
    }
    for (;;) {
      skip();
      if (text[i] !== '"') fail(i >= text.length ? "unexpected end of file (expected '}')" : text[i] === '}' ? "trailing comma before '}'" : `expected a "quoted" property name, got ${describe(i)}`);
      const keyIndex = i;
      const key = parseString();
      const prev = keys.get(key);
      if (prev) duplicates.push({ path: [...path, key], at: at(keyIndex), first: at(prev.at) });
      skip();
      if (text[i] !== ':') fail(`expected ':' after property name "${key}", got ${describe(i)}`);
      i++;
      path.push(key);
      const child = parseValue();
      path.pop();
      child.node.at = keyIndex; // members are located at their key
      keys.set(key, child.node); // the last one wins, as for the value
      // Own property definition: a "__proto__" key must not change the object's prototype.
      Object.defineProperty(out, key, { value: child.value, enumerable: true, writable: true, configurable: true });
      skip();
      if (text[i] === ',') {
        i++;
        continue;
      }
      if (text[i] === '}') {
        i++;
        return out;
      }
      fail(i >= text.length ? "unexpected end of file (expected ',' or '}')" : `expected ',' or '}' after the value of "${key}", got ${describe(i)}`);
    }
  };

  const parseArray = (node: LocNode): unknown[] => {
    const out: unknown[] = [];
    const items = (node.items = [] as LocNode[]);
    i++;
    skip();
    if (text[i] === ']') {
      i++;
      return out;
    }
    for (;;) {
      skip();
      if (text[i] === ']') fail("trailing comma before ']'");
      path.push(out.length);
      const child = parseValue();
      path.pop();
      out.push(child.value);
      items.push(child.node);
      skip();
      if (text[i] === ',') {
        i++;
        continue;
      }
      if (text[i] === ']') {
        i++;
        return out;
      }
      fail(i >= text.length ? "unexpected end of file (expected ',' or ']')" : `expected ',' or ']' in a list, got ${describe(i)}`);
    }
  };

  try {
    const { value, node: root } = parseValue();
    skip();
    if (i < text.length) fail(`unexpected ${describe(i)} after the end of the JSON value`);
    return {
      ok: true,
      value,
      duplicates,
      locate(target) {
        // A missing key (e.g. a required one) is located at the nearest enclosing value.
        let node = root;
        for (const seg of target) {
          const next = typeof seg === 'number' ? node.items?.[seg] : node.keys?.get(seg);
          if (!next) break;
          node = next;
        }
        return at(node.at);
      },
    };
  } catch (e) {
    if (e instanceof JsonSyntaxError) return { ok: false, message: e.message, at: at(e.index) };
    throw e;
  }
}
