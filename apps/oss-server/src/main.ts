import type { AddressInfo } from 'node:net';
import { EngramError } from '@engram/core';
import pino from 'pino';
import { createOssServer } from './server';

const logger = pino({ level: process.env.LOG_LEVEL ?? 'info' });

async function main(): Promise<void> {
  const oss = await createOssServer(process.env, { logger });
  const server = await oss.listen();
  const { port } = server.address() as AddressInfo;
  logger.info({ port, data_dir: oss.settings.dataDir, edition: oss.settings.edition }, 'Engram is listening');
  if (oss.generatedKey) {
    // Printed once: only its hash is kept.
    process.stdout.write(
      `\n  Your Engram API key (shown only now; only its hash is stored):\n\n    ${oss.generatedKey}\n\n` +
        `  Try: curl -H "Authorization: Bearer ${oss.generatedKey}" http://localhost:${port}/v1/memory\n\n`,
    );
  }
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down: finishing jobs and flushing logs');
    await oss.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

main().catch((err) => {
  if (err instanceof EngramError) logger.fatal({ code: err.code }, err.message);
  else logger.fatal({ err }, 'Engram failed to start');
  process.exit(1);
});
