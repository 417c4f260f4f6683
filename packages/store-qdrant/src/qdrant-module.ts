// The client's type declarations are ESM-only while its CommonJS build is what loads at run
// time, so its types are imported with an explicit resolution mode. (The linter cannot parse
// import attributes in a type query yet, so this file is left out of its checks.)
export type QdrantModule = typeof import('@qdrant/js-client-rest', { with: { 'resolution-mode': 'import' } });
export type QdrantClient = InstanceType<QdrantModule['QdrantClient']>;
