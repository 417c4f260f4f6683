export { mcpHttpPlugin } from './plugin';
export { createMcpServer, type MemoryBackend, VERSION } from './tools';
