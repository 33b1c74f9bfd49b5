// A fast first reading of a schedule file, for the common case of a clean file. The `yaml`
// library (which gives every problem its exact position) reads about 2.5 MB/s here, so
// 1,000 files took 1.5-2 s on their own; js-yaml reads the same text about 15 times faster
// but keeps no positions. So a file is read with js-yaml first and validated; only the
// position of each programme is needed then (found while js-yaml reads). If the file uses
// anything where the two libraries could disagree, or validation finds any problem at
// all, the caller reads it again with `yaml` and reports from that reading alone, so every
// diagnostic still comes from one place with exact line:col.
import jsYaml from 'js-yaml';
import type { Diagnostic, Severity } from './types.js';
import type { Path, PositionSource } from './yaml-source.js';

const isDigit = (c: number): boolean => c >= 0x30 && c <= 0x39;
/** & * ! % | > ? @ ` : indicators that mean something where a node starts. */
const NODE_INDICATORS = new Set([0x26, 0x2a, 0x21, 0x25, 0x7c, 0x3e, 0x3f, 0x40, 0x60]);
/** : , [ { - : after these (and spaces) a node starts. */
const NODE_STARTERS = new Set([0x3a, 0x2c, 0x5b, 0x7b, 0x2d]);

/**
 * Whether js-yaml's reading can be trusted to match `yaml`'s, judged from the text alone
 * (one pass, no regular expression: this runs on every file). Left to the `yaml` library:
 * tabs, a byte-order mark (js-yaml drops it, which would shift positions), anchors,
 * aliases, tags, directives, block scalars, complex keys and reserved indicators where a
 * node starts (a line's start, or after `:` `,` `[` `{` `-` and spaces: inside
 * "0 9 * * 3" a star is text), merge keys (<<), comments glued to a value ("a"#), number
 * forms js-yaml reads differently from YAML 1.2 (0b101, -0x1F, -.5, 1_000), and flow
 * collections spanning lines (where the two libraries' leniency differs).
 */
export function fastReadable(text: string): boolean {
  let depth = 0;
  let lastNonSpace = 0; // on this line; 0 at its start
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    switch (c) {
      case 0x0a:
        if (depth !== 0) return false;
        lastNonSpace = 0;
        continue;
      case 0x20:
      case 0x0d:
        continue;
      case 0x09:
      case 0xfeff:
        return false;
      case 0x5b:
      case 0x7b:
        depth++;
        break;
      case 0x5d:
      case 0x7d:
        depth--;
        break;
      case 0x3c: // <<
        if (text.charCodeAt(i + 1) === 0x3c) return false;
        break;
      case 0x23: {
        const p = text.charCodeAt(i - 1);
        if (p === 0x22 || p === 0x27 || p === 0x5d || p === 0x7d) return false;
        break;
      }
      case 0x30: // 0b1
        if (text.charCodeAt(i + 1) === 0x62 && (text.charCodeAt(i + 2) === 0x30 || text.charCodeAt(i + 2) === 0x31)) return false;
        break;
      case 0x5f: // 1_0
        if (isDigit(text.charCodeAt(i - 1)) && isDigit(text.charCodeAt(i + 1))) return false;
        break;
    }
    if (c === 0x2d || c === 0x2b) {
      // -0x1F, +0o7, -.5
      const n = text.charCodeAt(i + 1);
      const n2 = text.charCodeAt(i + 2);
      if ((n === 0x30 && (n2 === 0x78 || n2 === 0x6f)) || (n === 0x2e && isDigit(n2))) return false;
    }
    if (NODE_INDICATORS.has(c) && (lastNonSpace === 0 || NODE_STARTERS.has(lastNonSpace))) return false;
    lastNonSpace = c;
  }
  return depth === 0;
}

/**
 * Every node js-yaml read in a file, in the order they opened (so a node's descendants
 * follow it, contiguously): flat arrays rather than an object per node, since this is
 * kept for every file and a warning is what reads it.
 */
class NodeTable {
  readonly open: number[] = [];
  readonly parent: number[] = [];
  readonly kind: string[] = [];
  readonly result: unknown[] = [];

  /** Mappings: key, value, key, value...; sequences: the items. */
  children(i: number): number[] {
    const out: number[] = [];
    for (let j = i + 1; j < this.parent.length && this.parent[j]! >= i; j++) if (this.parent[j] === i) out.push(j);
    return out;
  }
}

/**
 * A document read by js-yaml, with where each of its nodes opened: a warning is placed as
 * YamlSource would place it. An error (or anything unclear) sets `touched`, and the
 * caller then reads the whole file again with `yaml` and reports from that.
 */
export class FastSource implements PositionSource {
  touched = false;
  #lineStarts: number[] | undefined;
  constructor(
    readonly file: string,
    private readonly text: string,
    private readonly nodes: NodeTable,
    private readonly root: number,
    private readonly known: ReadonlyMap<string, { line: number; col: number }>,
  ) {}

  at(path: Path, preferKey = false): { line: number; col: number } {
    const p = path.length <= 1 && !preferKey ? this.known.get(path.join('')) : undefined;
    if (p) return p;
    const offset = this.#offset(path, preferKey);
    if (offset === undefined) {
      this.touched = true;
      return { line: 1, col: 1 };
    }
    return this.#pos(offset);
  }

  diag(path: Path, severity: Severity, message: string, preferKey = false): Diagnostic {
    if (severity !== 'warning') this.touched = true;
    return { file: this.file, ...this.at(path, preferKey), severity, message };
  }

  /** YamlSource.at's choice of node, on js-yaml's nodes. */
  #offset(path: Path, preferKey: boolean): number | undefined {
    const t = this.nodes;
    for (let n = path.length; n >= 0; n--) {
      const found = this.#find(path.slice(0, n));
      if (found === false) return undefined;
      const { key, node } = found;
      const chosen = preferKey ? (key ?? node) : (node ?? key);
      const use = chosen !== undefined && !(t.kind[chosen] === 'scalar' && t.result[chosen] === null && key !== undefined) ? chosen : key;
      if (use !== undefined) return contentStart(this.text, t.open[use]!);
    }
    return 0;
  }

  /** The node at `path` and the key naming it; false when the nodes are not as expected. */
  #find(path: Path): { key?: number; node?: number } | false {
    const t = this.nodes;
    let node: number | undefined = this.root;
    let key: number | undefined;
    for (const seg of path) {
      key = undefined;
      if (node === undefined) return {};
      if (t.kind[node] === 'mapping') {
        const children = t.children(node);
        if (children.length % 2 !== 0) return false;
        let next: number | undefined;
        for (let i = 0; i < children.length; i += 2) {
          if (String(t.result[children[i]!]) === String(seg)) {
            key = children[i];
            next = children[i + 1];
            break;
          }
        }
        node = next;
      } else if (t.kind[node] === 'sequence' && typeof seg === 'number') {
        node = t.children(node)[seg];
      } else node = undefined;
      if (node !== undefined && t.result[node] === undefined) node = undefined;
    }
    return { key, node };
  }

  #pos(offset: number): { line: number; col: number } {
    if (!this.#lineStarts) {
      const starts = [0];
      for (let i = this.text.indexOf('\n'); i >= 0; i = this.text.indexOf('\n', i + 1)) starts.push(i + 1);
      this.#lineStarts = starts;
    }
    const starts = this.#lineStarts;
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, col: offset - starts[lo]! + 1 };
  }
}

/** Skips spaces, line breaks and comments from `i` (where js-yaml opens a node). */
function contentStart(text: string, i: number): number {
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c === 0x20 || c === 0x0a || c === 0x0d) i++;
    else if (c === 0x23) {
      const nl = text.indexOf('\n', i);
      i = nl < 0 ? text.length : nl;
    } else break;
  }
  return i;
}

/** 1-based line:col of increasing offsets, in one pass (as yaml's LineCounter counts). */
function positionsOf(text: string, offsets: number[]): Array<{ line: number; col: number }> {
  const out: Array<{ line: number; col: number }> = [];
  let line = 1;
  let lineStart = 0;
  let i = 0;
  for (const off of offsets) {
    if (off < i) return []; // not increasing: the caller falls back
    for (; i < off; i++) {
      if (text.charCodeAt(i) === 0x0a) {
        line++;
        lineStart = i + 1;
      }
    }
    out.push({ line, col: off - lineStart + 1 });
  }
  return out;
}

/**
 * The file's documents as js-yaml reads them, each with a source that knows where its
 * programmes start; undefined when the file must be read by `yaml` instead.
 */
export function fastParse(text: string, file: string): Array<{ source: FastSource; value: unknown }> | undefined {
  if (!fastReadable(text)) return undefined;
  const t = new NodeTable();
  const roots: number[] = [];
  const stack: number[] = [];
  let docs: unknown[];
  try {
    docs = jsYaml.loadAll(text, undefined, {
      schema: jsYaml.CORE_SCHEMA,
      // Notes where every node opens (positions are worked out only when asked for).
      listener(event, state) {
        if (event === 'open') {
          const i = t.open.length;
          t.open.push(state.position);
          t.kind.push('');
          t.result.push(undefined);
          if (stack.length === 0) {
            roots.push(i);
            t.parent.push(-1);
          } else t.parent.push(stack[stack.length - 1]!);
          stack.push(i);
        } else {
          const i = stack.pop();
          if (i !== undefined) {
            t.kind[i] = state.kind;
            t.result[i] = state.result;
          }
        }
      },
    });
  } catch {
    return undefined;
  }
  if (roots.length !== docs.length || stack.length !== 0) return undefined;
  const out: Array<{ source: FastSource; value: unknown }> = [];
  for (let d = 0; d < docs.length; d++) {
    const value = docs[d];
    if (value === null || value === undefined) continue;
    const root = roots[d]!;
    if (t.result[root] !== value) return undefined;
    const nodes = Array.isArray(value) ? t.children(root) : [root];
    if (Array.isArray(value) && (t.kind[root] !== 'sequence' || nodes.length !== value.length)) return undefined;
    const pos = positionsOf(text, nodes.map((n) => contentStart(text, t.open[n]!)));
    if (pos.length !== nodes.length) return undefined;
    const known = new Map<string, { line: number; col: number }>();
    pos.forEach((p, i) => known.set(Array.isArray(value) ? String(i) : '', p));
    out.push({ source: new FastSource(file, text, t, root, known), value });
  }
  return out;
}
