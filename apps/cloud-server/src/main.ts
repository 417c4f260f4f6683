#!/usr/bin/env node
import { runServer } from '@engram/server';
import { cloudManifest, VERSION } from './server';

void runServer(cloudManifest, { name: 'Engram cloud edition', edition: 'cloud', version: VERSION });
