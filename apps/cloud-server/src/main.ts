import type { AddressInfo } from 'node:net';
import { EngramError } from '@engram/core';
import pino from 'pino';
import { createCloudServer } from './server';

const logger = pino({ level: process.env.LOG_LEVEL ?? 'info' });

async function main(): Promise<void> {
  const cloud = await createCloudServer(process.env, { logger });
  const server = await cloud.listen();
  const { port } = server.address() as AddressInfo;
  logger.info({ port, data_dir: cloud.settings.dataDir }, 'Engram cloud edition is listening');
  if (cloud.generatedAdminKey) {
    process.stdout.write(
      `\n  Platform admin key (shown only now; only its hash is stored):\n\n    ${cloud.generatedAdminKey}\n\n` +
        `  Create an organisation: curl -X POST -H "Authorization: Bearer <key>" -H 'content-type: application/json' \\\n` +
        `    -d '{"name":"acme"}' http://localhost:${port}/v1/admin/orgs\n\n`,
    );
  }
  const stop = async () => {
    await cloud.close();
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop());
  process.once('SIGINT', () => void stop());
}

main().catch((err) => {
  if (err instanceof EngramError) logger.fatal({ code: err.code }, err.message);
  else logger.fatal({ err }, 'Engram failed to start');
  process.exit(1);
});
