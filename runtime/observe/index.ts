// runtime/observe's entry point for the CLI: the process logger.
export { createLogger, logDestination, LOG_LEVELS, type Logger } from './logger.js';
