// Quotes source text for a message: control characters and lone surrogates made visible,
// long text shortened, so a 1 MB line or a NUL byte never ends up raw in a terminal.

const MAX_SHOWN = 40;

function visible(char: string): string {
  const code = char.charCodeAt(0);
  if (char === '\n') return '\\n';
  if (char === '\r') return '\\r';
  if (char === '\t') return '\\t';
  const isControl = code < 0x20 || (code >= 0x7f && code < 0xa0);
  const isLoneSurrogate = char.length === 1 && code >= 0xd800 && code <= 0xdfff;
  const isInvisible = code === 0xfeff || code === 0x200b || code === 0x2028 || code === 0x2029;
  if (isControl || isLoneSurrogate || isInvisible) return `\\u${code.toString(16).padStart(4, '0')}`;
  return char;
}

export function quote(text: string): string {
  // Iterating by code point keeps valid surrogate pairs together and isolates lone ones.
  const chars = Array.from(text.length > MAX_SHOWN * 4 ? text.slice(0, MAX_SHOWN * 4) : text);
  const shown = chars.slice(0, MAX_SHOWN).map(visible).join('');
  return `'${shown}${chars.length > MAX_SHOWN ? '…' : ''}'`;
}
