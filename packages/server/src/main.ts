import type { AddressInfo } from 'node:net';
import { EngramError, type Provider } from '@engram/core';
import pino from 'pino';
import { createServer, describeSettings, resolveSettings, type ServerOptions } from './server';

/**
 * A server process: `--print-config` prints the effective settings (secrets redacted) and exits;
 * otherwise it starts, prints one-time notices (generated keys), and on SIGTERM/SIGINT stops
 * taking requests, finishes or parks running jobs, flushes logs and exits.
 */
export async function runServer(
  manifest: Provider[],
  options: Omit<ServerOptions, 'logger'> & { name: string },
): Promise<void> {
  const logger = pino({ level: process.env.LOG_LEVEL ?? 'info' });
  try {
    if (process.argv.includes('--print-config')) {
      const settings = resolveSettings(manifest, process.env, options);
      process.stdout.write(`${JSON.stringify(describeSettings(settings), null, 2)}\n`);
      return;
    }
    const engram = await createServer(manifest, process.env, { ...options, logger });
    const server = await engram.listen();
    const { port } = server.address() as AddressInfo;
    logger.info(
      {
        port,
        data_dir: engram.settings.dataDir,
        edition: engram.settings.edition,
        providers: engram.settings.providers,
      },
      `${options.name} is listening`,
    );
    for (const notice of engram.notices) process.stdout.write(`\n  ${notice}\n\n`);
    let stopping = false;
    const stop = async (signal: string) => {
      if (stopping) return;
      stopping = true;
      logger.info({ signal }, 'shutting down: finishing jobs and flushing logs');
      await engram.close();
      process.exit(0);
    };
    process.on('SIGTERM', () => void stop('SIGTERM'));
    process.on('SIGINT', () => void stop('SIGINT'));
  } catch (err) {
    // One line naming what is wrong: a bad setting, a port in use, a store that cannot be reached.
    if (err instanceof EngramError) logger.fatal({ code: err.code }, err.message);
    else logger.fatal({ err }, `${options.name} failed to start`);
    process.exit(1);
  }
}
