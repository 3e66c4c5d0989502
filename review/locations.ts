// The policy lines a diff points at. Config items and trace steps carry their place as
// `file:line:column` text (runtime/config's convention); reviewers want the line itself,
// and annotations want a range, so both are read from the texts of each side.

import { LineIndex, type Range } from '../grammar/index.js';

export interface Place {
  file: string;
  line: number;
  column: number;
}

/** `dir/a b.smtppolicy:12:5` → its parts; the file name may itself hold colons. */
export function parsePlace(source: string | null): Place | undefined {
  if (source === null) return undefined;
  const match = /^(.*):(\d+):(\d+)$/.exec(source);
  if (match === null) return undefined;
  return { file: match[1]!, line: Number(match[2]), column: Number(match[3]) };
}

/** The texts of one side of a diff (display name → text), with line indexes built once per file. */
export class SideTexts {
  private readonly indexes = new Map<string, LineIndex>();

  constructor(readonly texts: ReadonlyMap<string, string>) {}

  /** The trimmed text of the line a source names, when this side has that file. */
  lineText(source: string | null): string | undefined {
    const place = parsePlace(source);
    if (place === undefined) return undefined;
    const found = this.lineRange(place);
    return found === undefined ? undefined : found.text.slice(found.start, found.end).trim();
  }

  /** From the place to the end of its line: what an annotation underlines. */
  range(place: Place): Range | undefined {
    const found = this.lineRange(place);
    if (found === undefined) return undefined;
    const start = Math.min(found.start + place.column - 1, found.end);
    return found.index.range(start, Math.max(start, found.end));
  }

  private lineRange(place: Place): { text: string; index: LineIndex; start: number; end: number } | undefined {
    const text = this.texts.get(place.file);
    if (text === undefined) return undefined;
    let index = this.indexes.get(place.file);
    if (index === undefined) {
      index = new LineIndex(text);
      this.indexes.set(place.file, index);
    }
    if (place.line < 1 || place.line > index.lineCount) return undefined;
    const { start, end } = index.lineBounds(place.line);
    return { text, index, start, end };
  }
}
