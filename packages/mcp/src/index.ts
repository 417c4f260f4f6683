export { mcpHttpPlugin, servicesBackend } from './plugin';
export { createMcpServer, type MemoryBackend, VERSION } from './tools';
