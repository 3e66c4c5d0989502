// Shared by the policy tests: a compiled server from fixture overrides, and TLS facts.
import { compilePolicy, type CompiledServer, type TlsFacts } from '../../../runtime/policy/index.js';
import { makeRuntimeConfig, type ServerConfigOverrides } from '../fixtures/config-builder.js';

export function compiledServer(overrides: ServerConfigOverrides = {}): CompiledServer {
  const server = compilePolicy(makeRuntimeConfig({ servers: [overrides] })).servers[0];
  if (server === undefined) throw new Error('fixture has no server');
  return server;
}

export const STRONG_TLS: TlsFacts = { version: 'TLSv1.3', cipher: 'TLS_AES_256_GCM_SHA384', cipherBits: 256 };
export const AES128_TLS: TlsFacts = { version: 'TLSv1.2', cipher: 'ECDHE-RSA-AES128-GCM-SHA256', cipherBits: 128 };
export const WEAK_TLS: TlsFacts = { version: 'TLSv1.2', cipher: 'DES-CBC-SHA', cipherBits: 56 };

/** The sources named anywhere in a trace. */
export function traceSources(trace: { source: string | null }[]): string[] {
  return trace.map((step) => step.source).filter((source): source is string => source !== null);
}
