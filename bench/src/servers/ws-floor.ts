// Child process: the floor for live fan-out. A bare `ws` WebSocketServer and a tiny HTTP server
// on one port. `POST /broadcast` sends its body, as it came, to every open client as one text
// message: no tRPC, no auth, no event bus, no per-subscriber serialisation. The only protocol it
// speaks is the handshake (a subscription request is answered `started`), so that the bench's
// clients are the same ones it points at the API.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { WebSocket, WebSocketServer, type RawData } from 'ws';
import { z } from 'zod';

const subscriptionRequest = z.object({ id: z.number(), method: z.literal('subscription') });

const server = createServer((request, response) => {
  if (request.method === 'POST' && request.url === '/broadcast') broadcast(request, response);
  else response.writeHead(404).end();
});
const wss = new WebSocketServer({ server, path: '/trpc' });

function broadcast(request: IncomingMessage, response: ServerResponse) {
  const chunks: Buffer[] = [];
  request.on('data', (chunk: Buffer) => chunks.push(chunk));
  request.on('end', () => {
    const message = Buffer.concat(chunks);
    let sent = 0;
    for (const client of wss.clients) {
      if (client.readyState !== WebSocket.OPEN) continue;
      client.send(message, { binary: false });
      sent += 1;
    }
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ sent }));
  });
}

// One listener shared by every socket (`this` is the socket): no per-connection closure.
function onMessage(this: WebSocket, data: RawData) {
  if (!Buffer.isBuffer(data)) return;
  let parsed: unknown;
  try {
    parsed = JSON.parse(data.toString('utf8'));
  } catch {
    return;
  }
  const subscription = subscriptionRequest.safeParse(parsed);
  if (subscription.success) {
    this.send(JSON.stringify({ id: subscription.data.id, result: { type: 'started' } }));
  }
}

wss.on('connection', (socket) => {
  socket.on('message', onMessage);
});

server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('not listening on TCP');
  console.log(`LISTENING ${address.port}`);
});
process.on('SIGTERM', () => {
  for (const client of wss.clients) client.terminate();
  wss.close();
  server.close(() => process.exit(0));
});
