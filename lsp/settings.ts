// The editor's settings for the server (section `smtppolicy`, asked through
// workspace/configuration, or sent with workspace/didChangeConfiguration):
//   diagnosticsDelayMs  quiet time after the last keystroke before checking (default 200)
//   rules               per-rule severity, as `smtppolicy lint --rule`: { "open-relay": "error", "duplicate-entry": "off" }
// A setting the server cannot use is reported, never silently ignored.

import { parseRuleSetting, type RuleSetting } from '../compiler/index.js';

export interface ServerSettings {
  diagnosticsDelayMs?: number;
  rules: Map<string, RuleSetting>;
}

export function readSettings(raw: unknown): { settings: ServerSettings; problems: string[] } {
  const problems: string[] = [];
  const settings: ServerSettings = { rules: new Map() };
  if (raw === null || raw === undefined) return { settings, problems };
  if (typeof raw !== 'object') return { settings, problems: ['smtppolicy settings must be an object'] };
  const { diagnosticsDelayMs, rules } = raw as Record<string, unknown>;
  if (diagnosticsDelayMs !== undefined) {
    if (typeof diagnosticsDelayMs === 'number' && Number.isFinite(diagnosticsDelayMs) && diagnosticsDelayMs >= 0) settings.diagnosticsDelayMs = diagnosticsDelayMs;
    else problems.push(`smtppolicy.diagnosticsDelayMs must be a number of milliseconds (0 or more), found ${JSON.stringify(diagnosticsDelayMs)}`);
  }
  if (rules !== undefined) {
    if (typeof rules !== 'object' || rules === null) problems.push('smtppolicy.rules must map rule ids to off, warn or error');
    else {
      for (const [id, level] of Object.entries(rules)) {
        const parsed = parseRuleSetting(`${id}=${String(level)}`);
        if (typeof parsed === 'string') problems.push(`smtppolicy.rules: ${parsed.replace('--rule', 'the setting')}`);
        else settings.rules.set(parsed[0], parsed[1]);
      }
    }
  }
  return { settings, problems };
}
