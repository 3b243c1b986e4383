/**
 * @module The one JSON reader (profiles, sim cases, stack files): integers kept exact as bigint, and
 * where every value starts, for line:column errors. Layer-free: imports only errors.ts and result.ts.
 */

import { fail, type ErrorCode, type SeccompTraceError } from './errors.js';
import { err, ok, type Result } from './result.js';

/** A parsed JSON value. Integer literals are bigint (exact to any size); other numbers are `number`. */
export type JsonValue =
  | { readonly kind: 'null'; readonly pos: Pos }
  | { readonly kind: 'bool'; readonly value: boolean; readonly pos: Pos }
  | { readonly kind: 'int'; readonly value: bigint; readonly pos: Pos }
  | { readonly kind: 'float'; readonly value: number; readonly text: string; readonly pos: Pos }
  | { readonly kind: 'string'; readonly value: string; readonly pos: Pos }
  | { readonly kind: 'array'; readonly items: readonly JsonValue[]; readonly pos: Pos }
  | { readonly kind: 'object'; readonly entries: readonly (readonly [string, JsonValue])[]; readonly pos: Pos };

/** 1-based line and column of a value's first character. */
export interface Pos {
  readonly line: number;
  readonly col: number;
}

/**
 * Parses RFC 8259 JSON. Errors carry `code` (the caller's: what was being read) and `LINE:COL` in
 * `where`, counting lines from `firstLine` (for one line of a JSON lines file); the caller prefixes
 * the file with `.at()`.
 */
export function parseJson(text: string, code: ErrorCode, firstLine = 1): Result<JsonValue, SeccompTraceError> {
  const p = new Parser(text, code, firstLine);
  try {
    p.ws();
    const v = p.value();
    p.ws();
    if (p.i < text.length) return err(p.error('unexpected text after the JSON value', 'remove it'));
    return ok(v);
  } catch (e) {
    if (e instanceof JsonSyntax) return err(e.error);
    throw e;
  }
}

/** The field of an object, or undefined. Duplicate keys: the last wins, as Go's encoding/json does. */
export function field(obj: JsonValue, key: string): JsonValue | undefined {
  if (obj.kind !== 'object') return undefined;
  let found: JsonValue | undefined;
  for (const [k, v] of obj.entries) if (k === key) found = v;
  return found;
}

export function posText(p: Pos): string {
  return `${p.line}:${p.col}`;
}

/**
 * The value as plain JavaScript, as JSON.parse would give it, except that an integer literal
 * beyond Number.MAX_SAFE_INTEGER is a bigint (exact) instead of a rounded number. For readers
 * that do not need positions. Duplicate keys: the last wins, as in JSON.parse.
 */
export function plainJson(v: JsonValue): unknown {
  switch (v.kind) {
    case 'null':
      return null;
    case 'bool':
    case 'float':
    case 'string':
      return v.value;
    case 'int':
      return v.value >= BigInt(Number.MIN_SAFE_INTEGER) && v.value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v.value) : v.value;
    case 'array':
      return v.items.map(plainJson);
    case 'object': {
      const o: Record<string, unknown> = {};
      // defineProperty, not assignment: a "__proto__" key is data, as with JSON.parse.
      for (const [k, x] of v.entries) Object.defineProperty(o, k, { value: plainJson(x), enumerable: true, writable: true, configurable: true });
      return o;
    }
  }
}

class JsonSyntax extends Error {
  constructor(readonly error: SeccompTraceError) {
    super(error.message);
  }
}

const NUMBER = /-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?/y;

class Parser {
  i = 0;
  private lineStart = 0;

  constructor(
    private readonly s: string,
    private readonly code: ErrorCode,
    private line: number,
  ) {}

  pos(): Pos {
    return { line: this.line, col: this.i - this.lineStart + 1 };
  }

  error(message: string, hint?: string): SeccompTraceError {
    return fail({ code: this.code, message: `malformed JSON: ${message}`, where: posText(this.pos()), ...(hint === undefined ? {} : { hint }) });
  }

  private die(message: string, hint?: string): never {
    throw new JsonSyntax(this.error(message, hint));
  }

  ws(): void {
    for (;;) {
      const c = this.s.charCodeAt(this.i);
      if (c === 0x0a) {
        this.i++;
        this.line++;
        this.lineStart = this.i;
      } else if (c === 0x20 || c === 0x09 || c === 0x0d) this.i++;
      else return;
    }
  }

  private describe(): string {
    if (this.i >= this.s.length) return 'end of input';
    return `'${this.s[this.i]}'`;
  }

  value(): JsonValue {
    const pos = this.pos();
    const c = this.s[this.i];
    switch (c) {
      case '{':
        return this.object(pos);
      case '[':
        return this.array(pos);
      case '"':
        return { kind: 'string', value: this.string(), pos };
      case 't':
      case 'f':
      case 'n':
        return this.word(pos);
      default:
        if (c !== undefined && /[-0-9]/.test(c)) return this.number(pos);
        return this.die(`expected a value, found ${this.describe()}`);
    }
  }

  private object(pos: Pos): JsonValue {
    this.i++;
    const entries: (readonly [string, JsonValue])[] = [];
    this.ws();
    if (this.s[this.i] === '}') {
      this.i++;
      return { kind: 'object', entries, pos };
    }
    for (;;) {
      this.ws();
      if (this.s[this.i] !== '"') this.die(`expected a "key", found ${this.describe()}`, 'object keys are double-quoted strings; no trailing commas');
      const k = this.string();
      this.ws();
      if (this.s[this.i] !== ':') this.die(`expected ':' after key "${k}", found ${this.describe()}`);
      this.i++;
      this.ws();
      entries.push([k, this.value()]);
      this.ws();
      const c = this.s[this.i];
      if (c === ',') {
        this.i++;
        continue;
      }
      if (c === '}') {
        this.i++;
        return { kind: 'object', entries, pos };
      }
      this.die(`expected ',' or '}' in object, found ${this.describe()}`, 'a comma may be missing');
    }
  }

  private array(pos: Pos): JsonValue {
    this.i++;
    const items: JsonValue[] = [];
    this.ws();
    if (this.s[this.i] === ']') {
      this.i++;
      return { kind: 'array', items, pos };
    }
    for (;;) {
      this.ws();
      items.push(this.value());
      this.ws();
      const c = this.s[this.i];
      if (c === ',') {
        this.i++;
        continue;
      }
      if (c === ']') {
        this.i++;
        return { kind: 'array', items, pos };
      }
      this.die(`expected ',' or ']' in array, found ${this.describe()}`, 'a comma may be missing');
    }
  }

  private string(): string {
    this.i++;
    // Fast path: no escapes or control characters before the closing quote.
    for (let j = this.i; j < this.s.length; j++) {
      const c = this.s.charCodeAt(j);
      if (c === 0x22) {
        const v = this.s.slice(this.i, j);
        this.i = j + 1;
        return v;
      }
      if (c === 0x5c || c < 0x20) break;
    }
    let out = '';
    for (;;) {
      const c = this.s[this.i];
      if (c === undefined) this.die('unterminated string');
      if (c === '"') {
        this.i++;
        return out;
      }
      if (c === '\\') {
        const e = this.s[this.i + 1];
        const simple: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };
        if (e !== undefined && simple[e] !== undefined) {
          out += simple[e];
          this.i += 2;
        } else if (e === 'u' && /^[0-9a-fA-F]{4}$/.test(this.s.slice(this.i + 2, this.i + 6))) {
          out += String.fromCharCode(parseInt(this.s.slice(this.i + 2, this.i + 6), 16));
          this.i += 6;
        } else this.die(`bad escape '\\${e ?? ''}' in string`);
        continue;
      }
      if (c.charCodeAt(0) < 0x20) this.die('control character in string', 'escape it (\\n, \\t, \\u00XX)');
      out += c;
      this.i++;
    }
  }

  private word(pos: Pos): JsonValue {
    for (const [w, v] of [['true', true], ['false', false], ['null', null]] as const) {
      if (this.s.startsWith(w, this.i)) {
        this.i += w.length;
        return v === null ? { kind: 'null', pos } : { kind: 'bool', value: v, pos };
      }
    }
    return this.die(`expected a value, found ${this.describe()}`);
  }

  private number(pos: Pos): JsonValue {
    NUMBER.lastIndex = this.i;
    const m = NUMBER.exec(this.s);
    if (m === null) return this.die(`bad number starting with ${this.describe()}`);
    const text = m[0];
    this.i += text.length;
    if (m[2] === undefined && m[3] === undefined) return { kind: 'int', value: BigInt(text), pos };
    return { kind: 'float', value: Number(text), text, pos };
  }
}
