// `verify`: speaks SMTP to a live server and checks it behaves as its policy says.
export { verifyServers, runProbe } from './run.js';
export { planProbes, UnknownServerError } from './plan.js';
export { SourceNotLocalError, TargetUnreachableError } from './preflight.js';
export { formatJson, formatPretty } from './format-report.js';
export { chooseLoopbackSources, type SourceChoice, type SourcePick } from './source-addresses.js';
export type { ProbeResult, ProbeStatus, VerifyCredentials, VerifyOptions, VerifyReport, VerifySummary } from './types.js';
