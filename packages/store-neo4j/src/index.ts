export { Neo4jGraphStore, SCHEMA } from './graph-store';
export { type Neo4jOptions, neo4jGraphPlugin, openNeo4jDriver, openNeo4jGraphStore } from './plugin';
