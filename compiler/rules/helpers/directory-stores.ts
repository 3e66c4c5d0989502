// The directory credential stores of a policy (`users NAME ldap "URL" { … }`), with their
// syntax and their settings by keyword: what the ldap-* rules judge and point at.
import type { LdapDirectory, Setting, UserStoreDecl } from '../../../grammar/ast.js';
import type { PolicyModel } from '../../model.js';
import type { SourceFile } from '../../source-set.js';

export interface DirectoryStoreDecl {
  name: string;
  decl: UserStoreDecl;
  directory: LdapDirectory;
  file: SourceFile;
  /** The first generic setting of this keyword (a repeat is a semantic error already). */
  setting(keyword: string): Setting | undefined;
}

export function directoryStores(model: PolicyModel): DirectoryStoreDecl[] {
  const stores: DirectoryStoreDecl[] = [];
  for (const [name, { node, file }] of model.userStores) {
    const directory = node.ldap;
    if (!directory) continue;
    const setting = (keyword: string) => directory.settings.find((s): s is Setting => s.kind === 'Setting' && s.name === keyword);
    stores.push({ name, decl: node, directory, file, setting });
  }
  return stores;
}
