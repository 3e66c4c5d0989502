// runtime/policy: the single definition of what a RuntimeConfig means. Pure functions: no
// I/O, no clock, no randomness. The SMTP server gathers facts and applies the replies;
// `explain`, `verify` and the compiler's analysis ask the same functions.
export { compilePolicy, compileServer, type CompiledPolicy, type CompiledServer, type MakeMatcher } from './compile.js';
export { AddressMatcher } from './address-matcher.js';
export { decideArrival, trustsProxyHeader, type ArrivalDecision, type ArrivalFacts } from './arrival.js';
export { decideConnect, needsReverseDns } from './connect.js';
export { ehloAdvertisement } from './ehlo.js';
export { decideAuth } from './auth.js';
export { decideMail } from './mail.js';
export { decideRcpt } from './rcpt.js';
export { isBarePostmaster, postmasterMailbox } from './postmaster.js';
export { normalizeLocalPart, resolveRecipient, splitRecipient, type CompiledRecipients, type RecipientResolution } from './recipients.js';
export { decideSession, type SessionDecision } from './session.js';
export { explainClient, explanationLines, type ArrivalRefusal, type Explanation } from './explanation.js';
export { assessEncryption, cipherBits, describeTls } from './encryption.js';
export { decideTlsHandshake, type HandshakeRefusal } from './tls-handshake.js';
export { revealsSecret } from './auth-offer.js';
export { formatPeriod, rateDecision, rateLimitName, rateLimitsFor, rateRefusal, type AppliedRate, type RateDecision, type RateLimitsFor } from './rate-limits.js';
export { replies } from './replies.js';
export { normalizeAddress } from '../../net/ip.js';
export * from './types.js';
