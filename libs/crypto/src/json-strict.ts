/**
 * A strict RFC 8259 JSON parser. `JSON.parse` keeps the last of duplicate member names, so
 * `{"amount":"1.00","amount":"9999.00"}` would show one value to a reviewer and sign another;
 * a signed command with duplicate keys must be refused outright, so we parse ourselves.
 */
import { JsonParseError } from './errors.ts';

/** Limits for hostile input. A Cascade command is a few kilobytes. */
export const JSON_TEXT_LENGTH_MAX = 1_048_576;
export const JSON_DEPTH_MAX = 128;

export interface ParseJsonStrictOptions {
  textLengthMax?: number;
  depthMax?: number;
}

const NUMBER_PATTERN = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;

class Parser {
  private pos = 0;

  constructor(private readonly text: string, private readonly depthMax: number) {}

  parseDocument(): unknown {
    this.skipWhitespace();
    const value = this.parseValue(0);
    this.skipWhitespace();
    if (this.pos !== this.text.length) this.fail('unexpected text after the JSON value');
    return value;
  }

  private fail(message: string): never {
    throw new JsonParseError(message, this.pos);
  }

  private skipWhitespace(): void {
    const t = this.text;
    while (this.pos < t.length) {
      const c = t.charCodeAt(this.pos);
      if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) this.pos++;
      else break;
    }
  }

  private parseValue(depth: number): unknown {
    const c = this.text[this.pos];
    switch (c) {
      case '{':
        return this.parseObject(depth + 1);
      case '[':
        return this.parseArray(depth + 1);
      case '"':
        return this.parseString();
      case 't':
        return this.parseLiteral('true', true);
      case 'f':
        return this.parseLiteral('false', false);
      case 'n':
        return this.parseLiteral('null', null);
      case undefined:
        return this.fail('unexpected end of text');
      default:
        if (c === '-' || (c >= '0' && c <= '9')) return this.parseNumber();
        return this.fail(`unexpected character ${JSON.stringify(c)}`);
    }
  }

  private parseLiteral<T>(word: string, value: T): T {
    if (!this.text.startsWith(word, this.pos)) this.fail('invalid literal');
    this.pos += word.length;
    return value;
  }

  private parseNumber(): number {
    NUMBER_PATTERN.lastIndex = this.pos;
    const match = NUMBER_PATTERN.exec(this.text);
    if (!match) this.fail('invalid number');
    const value = Number(match[0]);
    // RFC 8259 allows 1e400, but it has no finite double; refusing here keeps parse → canonicalize total.
    if (!Number.isFinite(value)) this.fail('number out of double range');
    this.pos += match[0].length;
    return value;
  }

  private parseString(): string {
    const t = this.text;
    this.pos++; // opening quote
    let out = '';
    let chunkStart = this.pos;
    for (;;) {
      if (this.pos >= t.length) this.fail('unterminated string');
      const c = t.charCodeAt(this.pos);
      if (c === 0x22) {
        out += t.slice(chunkStart, this.pos);
        this.pos++;
        return out;
      }
      if (c < 0x20) this.fail('unescaped control character in string');
      if (c !== 0x5c) {
        this.pos++;
        continue;
      }
      out += t.slice(chunkStart, this.pos);
      const e = t[this.pos + 1];
      this.pos += 2;
      switch (e) {
        case '"': out += '"'; break;
        case '\\': out += '\\'; break;
        case '/': out += '/'; break;
        case 'b': out += '\b'; break;
        case 'f': out += '\f'; break;
        case 'n': out += '\n'; break;
        case 'r': out += '\r'; break;
        case 't': out += '\t'; break;
        case 'u': {
          const hex = t.slice(this.pos, this.pos + 4);
          if (!/^[0-9a-fA-F]{4}$/.test(hex)) this.fail('invalid \\u escape');
          out += String.fromCharCode(parseInt(hex, 16));
          this.pos += 4;
          break;
        }
        default:
          this.pos -= 2;
          this.fail('invalid escape');
      }
      chunkStart = this.pos;
    }
  }

  private enter(depth: number): void {
    if (depth > this.depthMax) this.fail(`nesting deeper than ${this.depthMax}`);
    this.pos++;
    this.skipWhitespace();
  }

  private parseArray(depth: number): unknown[] {
    this.enter(depth);
    const out: unknown[] = [];
    if (this.text[this.pos] === ']') {
      this.pos++;
      return out;
    }
    for (;;) {
      out.push(this.parseValue(depth));
      this.skipWhitespace();
      const c = this.text[this.pos];
      this.pos++;
      if (c === ']') return out;
      if (c !== ',') {
        this.pos--;
        this.fail('expected "," or "]"');
      }
      this.skipWhitespace();
    }
  }

  private parseObject(depth: number): Record<string, unknown> {
    this.enter(depth);
    const out: Record<string, unknown> = {};
    const seen = new Set<string>();
    if (this.text[this.pos] === '}') {
      this.pos++;
      return out;
    }
    for (;;) {
      if (this.text[this.pos] !== '"') this.fail('expected a member name');
      const keyPos = this.pos;
      const key = this.parseString();
      if (seen.has(key)) {
        this.pos = keyPos;
        this.fail(`duplicate member name ${JSON.stringify(key)}`);
      }
      seen.add(key);
      this.skipWhitespace();
      if (this.text[this.pos] !== ':') this.fail('expected ":"');
      this.pos++;
      this.skipWhitespace();
      const value = this.parseValue(depth);
      // defineProperty, not assignment: a member named "__proto__" must stay data, not set the prototype.
      Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
      this.skipWhitespace();
      const c = this.text[this.pos];
      this.pos++;
      if (c === '}') return out;
      if (c !== ',') {
        this.pos--;
        this.fail('expected "," or "}"');
      }
      this.skipWhitespace();
    }
  }
}

/**
 * Parses RFC 8259 JSON like JSON.parse but refuses duplicate member names, non-finite numbers,
 * over-long text and over-deep nesting with a JsonParseError (with position).
 */
export function parseJsonStrict(text: string, options: ParseJsonStrictOptions = {}): unknown {
  const textLengthMax = options.textLengthMax ?? JSON_TEXT_LENGTH_MAX;
  if (text.length > textLengthMax) throw new JsonParseError(`text longer than ${textLengthMax} characters`, 0);
  return new Parser(text, options.depthMax ?? JSON_DEPTH_MAX).parseDocument();
}
