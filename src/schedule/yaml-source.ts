// Reads a schedule file's text into YAML documents that remember where every node is, so
// each problem can be reported at the 1-based line:col of the node a person has to change.
import { isMap, isPair, isScalar, isSeq, parseAllDocuments, type Document, type Node } from 'yaml';
import { MAX_DOCUMENTS, MAX_PROGRAMMES_PER_FILE } from './limits.js';
import { bothLanguages, diagnosticText } from './messages.js';
import type { Diagnostic, Localized, Severity } from './types.js';

export type Path = ReadonlyArray<string | number>;

/**
 * Line and column of an offset as an editor shows them: a line ends at \n, \r\n or a lone \r;
 * the column counts UTF-16 units from 1. Counted from the text itself: the yaml parser's
 * LineCounter misses the breaks its lexer does not pass on (past a syntax error, a lone \r),
 * which placed problems on the wrong line, past its end (found by the schedule fuzz test).
 */
export class TextLines {
  readonly #starts: number[] = [0];

  constructor(text: string) {
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 10 || (c === 13 && text.charCodeAt(i + 1) !== 10)) this.#starts.push(i + 1);
    }
  }

  linePos(offset: number): { line: number; col: number } {
    const starts = this.#starts;
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, col: offset - starts[lo]! + 1 };
  }
}

/** Where the nodes of one document are: what validation asks to place a diagnostic. */
export interface PositionSource {
  readonly file: string;
  /** The best 1-based position for a problem at `path` (see YamlSource.at). */
  at(path: Path, preferKey?: boolean): { line: number; col: number };
  /** `message`: in both languages (bothLanguages), or a text onair did not write. */
  diag(path: Path, severity: Severity, message: string | Localized, preferKey?: boolean): Diagnostic;
}

/** One YAML document of a file, with a way to find the position of any path in it. */
export class YamlSource implements PositionSource {
  constructor(
    readonly file: string,
    readonly doc: Document,
    private readonly lines: TextLines,
  ) {}

  /** Position of an offset in the text, 1-based. */
  pos(offset: number): { line: number; col: number } {
    const p = this.lines.linePos(offset);
    return { line: p.line, col: p.col };
  }

  /** The node at `path`, or undefined. */
  node(path: Path): Node | undefined {
    let node: unknown = this.doc.contents;
    for (const key of path) {
      if (isMap(node)) {
        const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(key));
        node = pair?.value;
      } else if (isSeq(node) && typeof key === 'number') {
        node = node.items[key];
      } else return undefined;
      if (node === undefined || node === null) return undefined;
    }
    return node as Node;
  }

  /** The key node of the last segment of `path` (for "unknown key" and "missing key"). */
  keyNode(path: Path): Node | undefined {
    if (path.length === 0) return undefined;
    const parent = this.node(path.slice(0, -1));
    const last = path[path.length - 1];
    if (isMap(parent)) {
      const pair = parent.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(last));
      return (pair?.key as Node | undefined) ?? undefined;
    }
    return undefined;
  }

  /**
   * The best position for a problem at `path`: the node itself, else (missing value) the
   * key that names it, else the nearest existing ancestor's key or node.
   */
  at(path: Path, preferKey = false): { line: number; col: number } {
    for (let n = path.length; n >= 0; n--) {
      const sub = path.slice(0, n);
      const key = this.keyNode(sub);
      const node = this.node(sub);
      const chosen = preferKey ? (key ?? node) : (node ?? key);
      // A null value (`title:` with nothing after it) has no useful range: use its key.
      const range = chosen && chosen.range && !(isScalar(chosen) && chosen.value === null && key) ? chosen.range : key?.range;
      if (range) return this.pos(range[0]);
    }
    return { line: 1, col: 1 };
  }

  diag(path: Path, severity: Severity, message: string | Localized, preferKey = false): Diagnostic {
    return { file: this.file, ...this.at(path, preferKey), severity, ...(typeof message === 'string' ? { message } : diagnosticText(message)) };
  }
}

export interface ParsedText {
  /** Documents that parsed, each with its plain value. */
  documents: Array<{ source: YamlSource; value: unknown }>;
  diagnostics: Diagnostic[];
}

/** Where the (limit+1)th document starts, if a file has more than `limit` documents. */
function documentPastLimit(text: string, limit: number): number | undefined {
  // A `---` at the start of a line always starts a document (even inside a block scalar),
  // so counting them bounds the documents before the parser spends anything on them.
  let docs = 1;
  let line = 1;
  for (let i = 0; i < text.length; i++) {
    if (text.charCodeAt(i) !== 10) continue;
    line++;
    if (text.startsWith('---', i + 1) && ++docs > limit) return line;
  }
  return undefined;
}

/** Parses a file's text; YAML syntax errors become diagnostics and their document is dropped. */
export function parseScheduleText(text: string, file: string): ParsedText {
  const lines = new TextLines(text);
  const diagnostics: Diagnostic[] = [];
  const documents: ParsedText['documents'] = [];
  const tooMany = documentPastLimit(text, MAX_DOCUMENTS);
  if (tooMany !== undefined) {
    const text = bothLanguages('tooManyDocuments', { max: MAX_DOCUMENTS.toLocaleString('en') });
    return { documents, diagnostics: [{ file, line: tooMany, col: 1, severity: 'error', ...diagnosticText(text) }] };
  }
  let docs: Document.Parsed[];
  try {
    docs = parseAllDocuments(text, { prettyErrors: false, uniqueKeys: true }) as Document.Parsed[];
  } catch (err) {
    // The parser is not expected to throw, but a staff member's file must never crash us.
    return { documents, diagnostics: [{ file, line: 1, col: 1, severity: 'error', ...diagnosticText(bothLanguages('cannotReadYaml', { detail: unreadable(err) })) }] };
  }
  if (!Array.isArray(docs)) docs = [];
  let programmes = 0;
  for (const doc of docs) {
    const source = new YamlSource(file, doc, lines);
    for (const e of doc.errors) {
      const p = lines.linePos(e.pos[0]);
      diagnostics.push({ file, line: p.line, col: p.col, severity: 'error', ...diagnosticText(yamlMessage(e.code, e.message)) });
    }
    for (const w of doc.warnings) {
      const p = lines.linePos(w.pos[0]);
      diagnostics.push({ file, line: p.line, col: p.col, severity: 'warning', ...diagnosticText(bothLanguages('yamlWarning', { detail: firstLine(w.message), code: w.code })) });
    }
    if (doc.errors.length > 0) continue;
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
    } catch (err) {
      diagnostics.push(source.diag([], 'error', bothLanguages('cannotReadDocument', { detail: unreadable(err) })));
      continue;
    }
    if (value === null || value === undefined) continue; // an empty document (e.g. only comments)
    documents.push({ source, value });
    programmes += Array.isArray(value) ? value.length : 1;
    if (programmes > MAX_PROGRAMMES_PER_FILE) {
      const text = bothLanguages('tooManyProgrammes', { max: MAX_PROGRAMMES_PER_FILE.toLocaleString('en') });
      return { documents: [], diagnostics: [source.diag([], 'error', text)] };
    }
  }
  return { documents, diagnostics };
}

/** Most alias expansions a document may make (yaml's default; a "billion laughs" file needs millions). */
const MAX_ALIAS_COUNT = 100;

/** An exception from the parser as a person can read it. */
function unreadable(err: unknown): Localized {
  // yaml's guard against alias bombs: its own words call the file an attack and say nothing to do.
  if (/Excessive alias count/.test((err as Error).message)) return bothLanguages('tooManyAliases', { max: MAX_ALIAS_COUNT });
  // Deep nesting ([[[[...) exhausts the parser's stack: say what to change, not the stack.
  if (err instanceof RangeError) return bothLanguages('tooDeep');
  return bothLanguages('parserFailed', { detail: firstLine((err as Error).message) });
}

function firstLine(s: string): string {
  return s.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
}

/**
 * A YAML syntax error in words: English keeps the parser's own sentence; Turkish says what
 * the error code means (the parser speaks English only).
 */
function yamlMessage(code: string, message: string): Localized {
  const detail = firstLine(message);
  // The parser reports its own stack overflow on deep nesting ([[[[...) as a syntax error.
  if (/Maximum call stack size exceeded/.test(detail)) return bothLanguages('yamlTooDeep', { detail: bothLanguages('tooDeep') });
  switch (code) {
    case 'DUPLICATE_KEY':
      return bothLanguages('yamlDuplicateKey', { detail, code });
    case 'TAB_AS_INDENT':
      return bothLanguages('yamlTab', { detail, code });
    case 'BAD_INDENT':
    case 'MISSING_CHAR':
    case 'UNEXPECTED_TOKEN':
      return bothLanguages('yamlStructure', { detail, code });
    default:
      return bothLanguages('yamlOther', { detail, code });
  }
}
