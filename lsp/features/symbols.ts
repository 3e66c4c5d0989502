// The outline of a file: servers with their settings, lists with their entries, user
// stores, includes and the process-wide blocks.

import { SymbolKind, type DocumentSymbol } from 'vscode-languageserver';
import { extentOf, type PolicyFile, type Range, type RangedNode, type ServerSetting, type TopLevelItem } from '../../grammar/index.js';
import { toLspRange } from '../convert.js';
import { entryText } from './entry-text.js';

export function documentSymbols(file: PolicyFile): DocumentSymbol[] {
  return file.items.flatMap((item) => {
    const symbol = topLevelSymbol(item);
    return symbol ? [symbol] : [];
  });
}

function symbol(name: string, kind: SymbolKind, node: { range: Range }, selection: Range, children: DocumentSymbol[] = [], detail?: string): DocumentSymbol {
  return {
    name: name || '(unnamed)',
    kind,
    // The full extent, so that the selection and the children always lie inside it.
    range: toLspRange(extentOf(node as RangedNode)),
    selectionRange: toLspRange(selection),
    ...(detail ? { detail } : {}),
    ...(children.length ? { children } : {}),
  };
}

function topLevelSymbol(item: TopLevelItem): DocumentSymbol | undefined {
  switch (item.kind) {
    case 'Server':
      return symbol(item.name?.text ?? '', SymbolKind.Class, item, item.name?.range ?? item.keyword.range, item.settings.map(serverSettingSymbol), 'server');
    case 'List':
      return symbol(
        item.name?.text ?? '',
        SymbolKind.Array,
        item,
        item.name?.range ?? item.keyword.range,
        item.entries.map((e) => symbol(entryText(e), SymbolKind.Constant, e, e.range)),
        'list',
      );
    case 'UserStore':
      return symbol(item.name?.text ?? '', SymbolKind.Object, item, item.name?.range ?? item.keyword.range, [], item.file ? `users · ${item.file.value}` : 'users');
    case 'Include':
      return symbol(item.path?.value ?? 'include', SymbolKind.File, item, item.path?.range ?? item.keyword.range, [], 'include');
    case 'Resolver':
    case 'Storage':
    case 'State':
    case 'Admin':
      return symbol(item.keyword.text, SymbolKind.Namespace, item, item.keyword.range);
  }
}

function serverSettingSymbol(setting: ServerSetting): DocumentSymbol {
  const name = setting.keyword.text;
  const detail = settingDetail(setting);
  return symbol(name, SymbolKind.Property, setting, setting.keyword.range, [], detail);
}

function settingDetail(setting: ServerSetting): string | undefined {
  switch (setting.kind) {
    case 'Listen':
      return setting.endpoints.map((e) => e.address.text + (e.implicitTls ? ' implicit-tls' : '')).join(', ');
    case 'Hostname':
      return setting.value?.text;
    case 'Connections':
      return setting.mode?.value;
    case 'Tls':
      return setting.settings.some((s) => s.kind === 'TlsMode' && s.mode === 'require') ? 'require' : 'optional';
    case 'Auth':
      return setting.settings.flatMap((s) => (s.kind === 'AuthMethod' ? [s.method] : [])).join(', ');
    case 'Relay':
      return setting.entries.map((e) => (e.kind === 'Authenticated' ? 'authenticated' : e.kind === 'Anyone' ? 'anyone' : entryText(e))).join(' ');
    case 'LocalDomains':
      return setting.domains.map((d) => d.text).join(', ');
    case 'Recipients':
      return setting.domain?.text;
    default:
      return undefined;
  }
}
