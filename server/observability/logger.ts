/** JSON logs (pino). Child loggers carry room and connection ids; tokens are redacted wherever they appear. */
import { pino, type Logger } from 'pino';

export type { Logger };

export function createLogger(level: string): Logger {
  return pino({
    level,
    base: { service: 'plenary' },
    redact: { paths: ['token', '*.token', 'req.headers.authorization', 'url'], censor: '[redacted]' }
  });
}
