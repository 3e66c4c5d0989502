// The TextMate grammar of the VS Code extension (editors/vscode/syntaxes/), derived from
// the keyword table: every keyword is coloured by its row's `highlight` (declaration,
// setting or constant), so a new keyword is highlighted without editing the grammar; a
// setting's named values (its `complete` words) are constants too.
// The rest (comments, strings, addresses, numbers, names) is the fixed part below.
// `npm run generate` writes the file; test/grammar/derived-files.test.ts fails when the
// committed file differs from what this returns.

import { KEYWORDS, ROWS, type Highlight } from '../keyword-table.js';

/** Characters of a bare value (tokens.ts): a keyword is one only when none touches it. */
const WORD = '[A-Za-z0-9_.:/\\-\\[\\]%*@]';

/**
 * Words coloured as `highlight`: the keywords of that highlight and, as constants, the
 * named values a setting offers (`on-unreachable fail-closed|local`, read as bare words).
 * Longest first, so `connections-per-address` is not taken as `connections` and a rest.
 */
export function keywordPattern(highlight: Highlight): string {
  const keywords = KEYWORDS.filter((k) => k.highlight === highlight).map((k) => k.text);
  const namedValues = highlight === 'constant' ? ROWS.flatMap((row) => row.setting?.complete ?? []).filter((word) => /^[a-z][a-z-]*$/.test(word)) : [];
  const words = [...new Set([...keywords, ...namedValues])].sort((a, b) => b.length - a.length || a.localeCompare(b));
  // Keywords are lower-case letters and '-', which need no escaping in a pattern.
  return `(?<!${WORD})(?:${words.join('|')})(?!${WORD})`;
}

/** `{ "include": "#name" }` for each repository entry named, in order (order is priority). */
const includes = (...names: string[]) => names.map((name) => ({ include: `#${name}` }));

/** What may stand as a value, at the top level and inside a block alike. */
const VALUE_PATTERNS = includes('environment', 'keyword', 'constant', 'reference', 'address', 'number', 'domain', 'punctuation');

export const TEXTMATE_PATH = 'editors/vscode/syntaxes/smtppolicy.tmLanguage.json';

/** The grammar file's text, as committed. */
export function textMateGrammarText(): string {
  return `${JSON.stringify(textMateGrammar(), null, 2)}\n`;
}

export function textMateGrammar(): object {
  return {
    "$schema": "https://raw.githubusercontent.com/martinring/tmlanguage/master/tmlanguage.json",
    "name": "smtppolicy",
    "scopeName": "source.smtppolicy",
    "fileTypes": [
      "smtppolicy"
    ],
    "patterns": [...includes('comment', 'string', 'declaration', 'block'), ...VALUE_PATTERNS],
    "repository": {
      "comment": {
        "patterns": [
          {
            "name": "comment.line.number-sign.smtppolicy",
            "begin": "(#)\\s*(smtppolicy-ignore)(?=\\s|$)",
            "beginCaptures": {
              "1": {
                "name": "punctuation.definition.comment.smtppolicy"
              },
              "2": {
                "name": "keyword.control.directive.suppression.smtppolicy"
              }
            },
            "end": "$",
            "patterns": [
              {
                "match": "\\s(--)(.*)$",
                "captures": {
                  "1": {
                    "name": "punctuation.separator.reason.smtppolicy"
                  },
                  "2": {
                    "name": "comment.line.reason.smtppolicy"
                  }
                }
              },
              {
                "match": "[a-z][a-z0-9-]*",
                "name": "entity.name.tag.rule-id.smtppolicy"
              }
            ]
          },
          {
            "name": "comment.line.number-sign.smtppolicy",
            "match": "(#).*$",
            "captures": {
              "1": {
                "name": "punctuation.definition.comment.smtppolicy"
              }
            }
          }
        ]
      },
      "string": {
        "name": "string.quoted.double.smtppolicy",
        "begin": "\"",
        "beginCaptures": {
          "0": {
            "name": "punctuation.definition.string.begin.smtppolicy"
          }
        },
        "end": "\"|$",
        "endCaptures": {
          "0": {
            "name": "punctuation.definition.string.end.smtppolicy"
          }
        },
        "patterns": [
          {
            "name": "constant.character.escape.smtppolicy",
            "match": "\\\\."
          }
        ]
      },
      "declaration": {
        "patterns": [
          {
            "match": "(?<![A-Za-z0-9_.:/\\-\\[\\]%*@])(server|list|users)\\s+([A-Za-z][A-Za-z0-9_-]*)(?![A-Za-z0-9_.:/\\-\\[\\]%*@])",
            "captures": {
              "1": {
                "name": "storage.type.smtppolicy"
              },
              "2": {
                "name": "entity.name.type.smtppolicy"
              }
            }
          },
          {
            "match": keywordPattern('declaration'),
            "name": "storage.type.smtppolicy"
          }
        ]
      },
      "keyword": {
        "match": keywordPattern('setting'),
        "name": "keyword.other.setting.smtppolicy"
      },
      "constant": {
        "match": keywordPattern('constant'),
        "name": "constant.language.smtppolicy"
      },
      "reference": {
        "match": "@[A-Za-z][A-Za-z0-9_-]*",
        "name": "variable.other.reference.list.smtppolicy"
      },
      "address": {
        "patterns": [
          {
            "name": "constant.numeric.ip-address.v6.smtppolicy",
            "match": "(?<![A-Za-z0-9_.:/\\-\\[\\]%*@])\\[[0-9A-Fa-f:.]*\\](?::\\d+)?(?![A-Za-z0-9_.:/\\-\\[\\]%*@])"
          },
          {
            "name": "constant.numeric.ip-address.v6.smtppolicy",
            "match": "(?<![A-Za-z0-9_.:/\\-\\[\\]%*@])(?=[0-9A-Fa-f:]*:[0-9A-Fa-f:]*:)[0-9A-Fa-f:]+(?:\\.\\d+){0,3}(?:/\\d{1,3})?(?![A-Za-z0-9_.:/\\-\\[\\]%*@])"
          },
          {
            "name": "constant.numeric.ip-address.v4.smtppolicy",
            "match": "(?<![A-Za-z0-9_.:/\\-\\[\\]%*@])\\d{1,3}(?:\\.\\d{1,3}){3}(?:/\\d{1,2}|:\\d+)?(?![A-Za-z0-9_.:/\\-\\[\\]%*@])"
          }
        ]
      },
      "number": {
        "name": "constant.numeric.smtppolicy",
        "match": "(?<![A-Za-z0-9_.:/\\-\\[\\]%*@])(?:TLSv)?\\d+(?:\\.\\d+)?(?:ms|s|m|h|d|B|KB|KiB|MB|MiB|GB|GiB)?(?![A-Za-z0-9_.:/\\-\\[\\]%*@])"
      },
      "domain": {
        "name": "string.unquoted.domain.smtppolicy",
        "match": "(?<![A-Za-z0-9_.:/\\-\\[\\]%*@])[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+\\.?(?::\\d+)?(?![A-Za-z0-9_.:/\\-\\[\\]%*@])"
      },
      "punctuation": {
        "patterns": [
          {
            "name": "punctuation.separator.comma.smtppolicy",
            "match": ","
          }
        ]
      },
      "block": {
        "begin": "\\{",
        "beginCaptures": {
          "0": {
            "name": "punctuation.section.block.begin.smtppolicy"
          }
        },
        "end": "\\}",
        "endCaptures": {
          "0": {
            "name": "punctuation.section.block.end.smtppolicy"
          }
        },
        "patterns": [...includes('comment', 'string', 'block', 'store-reference'), ...VALUE_PATTERNS]
      },
      "store-reference": {
        "match": "(?<![A-Za-z0-9_.:/\\-\\[\\]%*@])(users)\\s+([A-Za-z][A-Za-z0-9_-]*)(?![A-Za-z0-9_.:/\\-\\[\\]%*@])",
        "captures": {
          "1": {
            "name": "keyword.other.setting.smtppolicy"
          },
          "2": {
            "name": "variable.other.reference.user-store.smtppolicy"
          }
        }
      },
      "environment": {
        "match": "(?<![A-Za-z0-9_.:/\\-\\[\\]%*@])(env)\\s+([A-Za-z_][A-Za-z0-9_]*)(?![A-Za-z0-9_.:/\\-\\[\\]%*@])",
        "captures": {
          "1": {
            "name": "keyword.other.setting.smtppolicy"
          },
          "2": {
            "name": "variable.other.constant.environment.smtppolicy"
          }
        }
      }
    }
  };
}
