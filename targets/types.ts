// The vocabulary every MTA target shares: how faithfully a policy setting survives the
// translation, the report of a whole translation, and the files it produced.
import type { RuntimeConfig, ServerConfig } from '../runtime/config/types.js';

/**
 * `exact`: the MTA decides as runtime/policy does (reply texts may differ).
 * `approximate`: it is expressed, but something a user could notice differs (the note says what).
 * `unsupported`: the MTA cannot express it; a translation refuses unless allowed.
 */
export type Fidelity = 'exact' | 'approximate' | 'unsupported';

export type TargetName = 'postfix' | 'opensmtpd';

/** How one target expresses one setting. */
export interface TargetMapping {
  fidelity: Fidelity;
  /** The MTA's settings that express it, as its documentation names them. */
  mapping: string;
  /** What differs (approximate), or why it cannot be done (unsupported). */
  note?: string;
}

/** One row of the mapping table: a runtime config field and how each target expresses it. */
export interface SettingRow {
  /** `<schema definition>.<property>`, optionally refined: `ConnectionControl.entries (domain)`. */
  setting: string;
  /** How the policy language writes it. */
  policy: string;
  /** `global` settings are reported once per config, `server` settings once per server. */
  scope: 'global' | 'server';
  /**
   * Whether this config (and, for `server` rows, this server) uses the setting in a way a
   * translation must carry. A setting left at a value that needs nothing is not reported.
   */
  inUse(config: RuntimeConfig, server: ServerConfig | null): boolean;
  targets: Record<TargetName, TargetMapping>;
}

/** One line of a translation's report: a setting the policy uses and how it came through. */
export interface MappingFinding {
  setting: string;
  /** The server it concerns, or null for a global setting. */
  server: string | null;
  fidelity: Fidelity;
  mapping: string;
  note: string | null;
  /** The policy location (`file:line:column`) of the setting, when the config names one. */
  source: string | null;
}

/** What a translation produced: files by name (relative to the output directory) and its report. */
export interface TargetOutput {
  target: TargetName;
  files: Map<string, string>;
  findings: MappingFinding[];
}

export interface TargetReport {
  target: TargetName;
  summary: Record<Fidelity, number>;
  findings: MappingFinding[];
}
