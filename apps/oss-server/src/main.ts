import { openSourceManifest, runServer } from '@engram/server';
import { VERSION } from './server';

void runServer(openSourceManifest, { name: 'Engram', edition: 'opensource', version: VERSION });
