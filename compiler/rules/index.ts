// The rule registry: every lint rule, in the order `smtppolicy rules` lists them.

import type { Rule } from '../lint/rule.js';
import aliasForwardsOutside from './alias-forwards-outside.js';
import aliasLoop from './alias-loop.js';
import allowListAdmitsNobody from './allow-list-admits-nobody.js';
import authWithoutUserStore from './auth-without-user-store.js';
import basicAuthWithoutTls from './basic-auth-without-tls.js';
import certificateHostnameMismatch from './certificate-hostname-mismatch.js';
import certificateInvalid from './certificate-invalid.js';
import certificateNotFound from './certificate-not-found.js';
import challengeResponseWithoutTls from './challenge-response-without-tls.js';
import cipherBitsWithoutRequiredTls from './cipher-bits-without-required-tls.js';
import domainAclWithoutReverseZone from './domain-acl-without-reverse-zone.js';
import duplicateEntry from './duplicate-entry.js';
import hostnameDoesNotResolve from './hostname-does-not-resolve.js';
import invalidSuppression from './invalid-suppression.js';
import ldapFilterWithoutLogin from './ldap-filter-without-login.js';
import ldapHostUnreachable from './ldap-host-unreachable.js';
import ldapStoreForUnsupportedMechanism from './ldap-store-for-unsupported-mechanism.js';
import ldapWithoutTls from './ldap-without-tls.js';
import listenAddressConflict from './listen-address-conflict.js';
import localDomainWithoutRecipients from './local-domain-without-recipients.js';
import mailboxFileNotFound from './mailbox-file-not-found.js';
import openRelay from './open-relay.js';
import proxyTrustTooWide from './proxy-trust-too-wide.js';
import publicSuffixDomainEntry from './public-suffix-domain-entry.js';
import relayGrantByDomain from './relay-grant-by-domain.js';
import relayGrantCoversGateway from './relay-grant-covers-gateway.js';
import shadowedEntry from './shadowed-entry.js';
import smarthostWithoutTls from './smarthost-without-tls.js';
import sharedStateRisk from './shared-state-risk.js';
import submissionPortWithoutAuth from './submission-port-without-auth.js';
import tlsMinVersionTooLow from './tls-min-version-too-low.js';
import tlsRequiredOnPort25 from './tls-required-on-port-25.js';
import tlsRequiredWithoutCertificate from './tls-required-without-certificate.js';
import unusedSuppression from './unused-suppression.js';
import weakPasswordStorage from './weak-password-storage.js';
import widePublicGrant from './wide-public-grant.js';

export const RULES: readonly Rule[] = [
  basicAuthWithoutTls,
  openRelay,
  proxyTrustTooWide,
  publicSuffixDomainEntry,
  domainAclWithoutReverseZone,
  challengeResponseWithoutTls,
  authWithoutUserStore,
  submissionPortWithoutAuth,
  tlsRequiredWithoutCertificate,
  cipherBitsWithoutRequiredTls,
  tlsMinVersionTooLow,
  tlsRequiredOnPort25,
  certificateNotFound,
  certificateInvalid,
  certificateHostnameMismatch,
  relayGrantByDomain,
  relayGrantCoversGateway,
  widePublicGrant,
  allowListAdmitsNobody,
  duplicateEntry,
  shadowedEntry,
  listenAddressConflict,
  weakPasswordStorage,
  ldapWithoutTls,
  ldapFilterWithoutLogin,
  ldapStoreForUnsupportedMechanism,
  ldapHostUnreachable,
  smarthostWithoutTls,
  sharedStateRisk,
  localDomainWithoutRecipients,
  aliasLoop,
  aliasForwardsOutside,
  mailboxFileNotFound,
  hostnameDoesNotResolve,
  invalidSuppression,
  unusedSuppression,
] as Rule[];

const BY_ID = new Map(RULES.map((rule) => [rule.meta.id, rule]));

export function ruleById(id: string): Rule | undefined {
  return BY_ID.get(id);
}

export const INVALID_SUPPRESSION = invalidSuppression.meta.id;
export const UNUSED_SUPPRESSION = unusedSuppression.meta.id;
