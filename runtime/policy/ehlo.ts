// What the EHLO reply advertises: STARTTLS while the session can still be encrypted, the
// AUTH mechanisms allowed right now (see auth-offer.ts), and SIZE.
import { offerMechanisms } from './auth-offer.js';
import type { CompiledServer } from './compile.js';
import type { EhloAdvertisement, SessionFacts, TraceStep } from './types.js';

export function ehloAdvertisement(server: CompiledServer, facts: SessionFacts): EhloAdvertisement {
  const tls = server.config.tls;
  const encrypted = facts.tls !== undefined && facts.tls !== null;
  const starttls = tls !== null && !encrypted;
  const trace: TraceStep[] = [
    {
      step: 'STARTTLS offered',
      result: tls === null ? 'no: the server has no certificate' : encrypted ? 'no: the session is already encrypted' : `yes (TLS ${tls.mode})`,
      source: tls?.source ?? null,
    },
  ];
  const offer = offerMechanisms(server, facts);
  trace.push(...offer.trace);
  const limits = server.config.limits;
  trace.push({ step: 'SIZE advertised', result: `${limits.messageSizeBytes} bytes`, source: limits.source });
  return { starttls, authMechanisms: offer.offered, sizeLimit: limits.messageSizeBytes, trace };
}
