// The report of a translation: every row of the mapping table that the config uses, with
// the row's fidelity for the target, unless the translation found this particular policy
// worse off (servers that want different relay hosts, say) and said why.
import { isDirectoryStore, type RuntimeConfig, type ServerConfig } from '../runtime/config/types.js';
import { SETTING_ROWS } from './settings.js';
import type { Fidelity, MappingFinding, SettingRow, TargetName, TargetReport } from './types.js';

/** A translation's verdict on one row for one server (null: a global row), overriding the table's. */
export interface Downgrade {
  setting: string;
  server: string | null;
  fidelity: Fidelity;
  note: string;
}

/** Where in the policy a setting is written: the block it belongs to, else its server. */
function sourceOf(setting: string, config: RuntimeConfig, server: ServerConfig | null): string | null {
  const [definition] = setting.split('.');
  if (server === null) {
    if (definition === 'ResolverConfig') return config.resolver.source;
    if (definition === 'PasswordFileStoreConfig') return config.userStores.find((store) => !isDirectoryStore(store))?.source ?? null;
    if (definition === 'DirectoryStoreConfig') return config.userStores.find(isDirectoryStore)?.source ?? null;
    if (definition === 'AdminConfig') return config.admin?.source ?? null;
    return null;
  }
  if (setting.startsWith('ServerConfig.relayTo')) return server.relayTo.source ?? server.source;
  if (setting === 'ServerConfig.routes') return server.routes?.[0]?.source ?? server.source;
  switch (definition) {
    case 'RecipientsConfig':
    case 'MailboxFileSource':
    case 'MailboxUsersSource':
      return server.recipients?.[0]?.source ?? server.source;
    case 'TlsConfig':
    case 'CertificateConfig':
      return server.tls?.source ?? server.source;
    case 'ConnectionControl':
      return server.connections.source ?? server.source;
    case 'AuthConfig':
    case 'AuthMechanismConfig':
      return server.auth.source ?? server.source;
    case 'RelayConfig':
      return server.relay.source ?? server.source;
    case 'LimitsConfig':
      return server.limits.source ?? server.source;
    case 'SmarthostTarget':
      return server.relayTo.source ?? server.source;
    case 'Endpoint':
    case 'ListenConfig':
      return server.listen[0]?.source ?? server.source;
    default:
      return server.source;
  }
}

function finding(row: SettingRow, target: TargetName, config: RuntimeConfig, server: ServerConfig | null, downgrades: readonly Downgrade[]): MappingFinding {
  const mapping = row.targets[target];
  const worse = downgrades.find((d) => d.setting === row.setting && d.server === (server?.name ?? null));
  return {
    setting: row.setting,
    server: server?.name ?? null,
    fidelity: worse?.fidelity ?? mapping.fidelity,
    mapping: mapping.mapping,
    note: worse?.note ?? mapping.note ?? null,
    source: sourceOf(row.setting, config, server),
  };
}

export function mappingFindings(config: RuntimeConfig, target: TargetName, downgrades: readonly Downgrade[] = []): MappingFinding[] {
  const findings: MappingFinding[] = [];
  for (const row of SETTING_ROWS.filter((r) => r.scope === 'global')) {
    if (row.inUse(config, null)) findings.push(finding(row, target, config, null, downgrades));
  }
  for (const server of config.servers) {
    for (const row of SETTING_ROWS.filter((r) => r.scope === 'server')) {
      if (row.inUse(config, server)) findings.push(finding(row, target, config, server, downgrades));
    }
  }
  return findings;
}

export function targetReport(target: TargetName, findings: MappingFinding[]): TargetReport {
  const summary: Record<Fidelity, number> = { exact: 0, approximate: 0, unsupported: 0 };
  for (const f of findings) summary[f.fidelity]++;
  return { target, summary, findings };
}
