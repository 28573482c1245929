// Child process: the real API on the bench database (DATABASE_URL), on an ephemeral port.
import { buildServer, loadConfig } from '@taskboard/server';

const app = await buildServer(loadConfig({ ...process.env, PORT: '0' }));
await app.listen({ port: 0, host: '127.0.0.1' });
const address = app.server.address();
if (address === null || typeof address === 'string') throw new Error('not listening on TCP');
console.log(`LISTENING ${address.port}`);
process.on('SIGTERM', () => void app.close().then(() => process.exit(0)));
