export { buildServer, type ServerOptions } from './server';
export { loadConfig, type Config } from './config';
