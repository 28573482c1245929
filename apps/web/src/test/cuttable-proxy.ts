import { connect, createServer, type Server, type Socket } from 'node:net';

/**
 * A TCP proxy on a loopback port in front of a real server (the test PostgreSQL), which a
 * test can cut (every connection reset, new ones refused: the database is down, as far as
 * the API can tell) and restore on the same port.
 */
export interface CuttableProxy {
  port: number;
  cut(): Promise<void>;
  restore(): Promise<void>;
  close(): Promise<void>;
}

export async function startCuttableProxy(target: {
  host: string;
  port: number;
}): Promise<CuttableProxy> {
  const sockets = new Set<Socket>();
  const track = (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
  };
  const serve = (port: number) =>
    new Promise<{ server: Server; port: number }>((resolve, reject) => {
      const server = createServer((client) => {
        const upstream = connect(target.port, target.host);
        track(client);
        track(upstream);
        client.on('close', () => upstream.destroy());
        upstream.on('close', () => client.destroy());
        client.pipe(upstream).pipe(client);
      });
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        const address = server.address();
        if (address === null || typeof address === 'string') reject(new Error('no TCP port'));
        else resolve({ server, port: address.port });
      });
    });
  let current: Server | null = null;
  const first = await serve(0);
  current = first.server;
  const stop = async () => {
    const server = current;
    current = null;
    for (const socket of sockets) socket.destroy();
    if (server) {
      await new Promise<void>((resolve) => {
        server.close(() => {
          resolve();
        });
      });
    }
  };
  return {
    port: first.port,
    cut: stop,
    async restore() {
      current ??= (await serve(first.port)).server;
    },
    close: stop,
  };
}
