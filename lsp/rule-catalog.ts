// What the language server needs to know about lint rules: ids (for completion in
// suppression comments), one-line descriptions (hover) and docs links (diagnostics).

import { docsUrl } from '../compiler/index.js';

export interface RuleSummary {
  id: string;
  description: string;
  fixable: boolean;
  /** Whether `# smtppolicy-ignore` may silence it. */
  suppressible: boolean;
}

export interface RuleCatalog {
  all(): readonly RuleSummary[];
  get(id: string): RuleSummary | undefined;
  docsUrl(id: string): string | undefined;
}

export function ruleCatalog(rules: readonly RuleSummary[]): RuleCatalog {
  const byId = new Map(rules.map((r) => [r.id, r]));
  return {
    all: () => rules,
    get: (id) => byId.get(id),
    docsUrl,
  };
}
