// Reading semantic tokens back as a client does: the relative five-integer encoding turned
// into words of the text with their type and modifier names.

import type { SemanticTokensEdit, SemanticTokensLegend } from 'vscode-languageserver/node';

export interface DecodedToken {
  line: number;
  character: number;
  text: string;
  type: string;
  modifiers: string[];
}

export function decodeTokens(text: string, data: readonly number[], legend: SemanticTokensLegend): DecodedToken[] {
  const lines = text.split(/\r\n|\r|\n/);
  const tokens: DecodedToken[] = [];
  let line = 0;
  let character = 0;
  for (let i = 0; i < data.length; i += 5) {
    const [deltaLine, deltaStart, length, type, bits] = data.slice(i, i + 5) as [number, number, number, number, number];
    line += deltaLine;
    character = deltaLine === 0 ? character + deltaStart : deltaStart;
    tokens.push({
      line,
      character,
      text: (lines[line] ?? '').slice(character, character + length),
      type: legend.tokenTypes[type] ?? `unknown type ${type}`,
      modifiers: legend.tokenModifiers.filter((_, bit) => bits & (1 << bit)),
    });
  }
  return tokens;
}

/** The client's side of a delta: splice each edit into the array it holds. */
export function applyTokenEdits(data: readonly number[], edits: readonly SemanticTokensEdit[]): number[] {
  const result = [...data];
  for (const edit of [...edits].sort((a, b) => b.start - a.start)) result.splice(edit.start, edit.deleteCount, ...(edit.data ?? []));
  return result;
}
