import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startTestMongo, type TestMongo } from '@engram/store-mongo/testing';
import { MongoTenancyStore, SqliteTenancyStore } from '../src';
import { describeTenancyContract } from '../src/tenancy-contract';

describeTenancyContract(
  'SQLite',
  async () => new SqliteTenancyStore(path.join(mkdtempSync(path.join(tmpdir(), 'engram-tenancy-')), 't.db')),
);

let mongo: TestMongo;
beforeAll(async () => {
  mongo = await startTestMongo();
}, 120_000);
afterAll(() => mongo?.stop());
let n = 0;
describeTenancyContract('MongoDB (FerretDB)', () =>
  MongoTenancyStore.open(mongo.url, `engram_tenancy_${process.pid}_${n++}`),
);
