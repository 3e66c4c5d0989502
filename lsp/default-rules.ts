// The rule catalog of the project's lint engine.

import { RULES } from '../compiler/index.js';
import { ruleCatalog, type RuleCatalog } from './rule-catalog.js';

export function defaultRuleCatalog(): RuleCatalog {
  return ruleCatalog(
    RULES.map((rule) => ({
      id: rule.meta.id,
      description: rule.meta.description,
      fixable: rule.meta.fixable,
      // Findings about suppression comments are not themselves suppressible.
      suppressible: rule.meta.category !== 'suppressions',
    })),
  );
}
