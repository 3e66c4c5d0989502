// runtime/observe's entry point for the CLI: the process logger.
export { createLogger, LOG_LEVELS, type Logger } from './logger.js';
