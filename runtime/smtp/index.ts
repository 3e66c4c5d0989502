// runtime/smtp's entry point for the CLI (`smtppolicy serve`): start the listeners of a
// runtime config, and the self-signed certificates of the quickstart.
export { startServer, StartupError, type ServerHandle, type StartServerOptions } from './start-server.js';
export { ensureDevCertificates } from './dev-certificate.js';
