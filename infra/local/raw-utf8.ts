import type { Server as HttpServer, IncomingMessage, ServerResponse } from 'node:http';
import { createServer as createNetServer, type Server, type Socket } from 'node:net';
import { Duplex } from 'node:stream';

/** Percent-encodes the bytes above 0x7f of one request-line fragment: the URL API Gateway would decode as UTF-8. */
export const encodeRawBytes = (fragment: Buffer): Buffer => {
  if (!fragment.some((b) => b > 0x7f)) return fragment;
  return Buffer.from([...fragment].map((b) => (b > 0x7f ? `%${b.toString(16).toUpperCase()}` : String.fromCharCode(b))).join(''), 'latin1');
};

/**
 * A connection as the HTTP server reads it, with raw UTF-8 in request lines
 * percent-encoded first: API Gateway takes `/contacts?q=王小` unencoded (curl
 * sends it so), Node's parser refuses it. Only a request line is touched, and
 * only one the server is waiting for: the bytes from when no request is open
 * until the line ends. A request pipelined behind another stays raw.
 */
const encodingRequestLines = (socket: Socket) => {
  let atRequestLine = true;
  let open = 0;
  const connection = new Duplex({
    read: () => void socket.resume(),
    write: (chunk: Buffer, _encoding, done) => void socket.write(chunk, done),
    final: (done) => void socket.end(done),
    destroy: (error, done) => {
      socket.destroy(error ?? undefined);
      done(error);
    },
  });
  socket.on('data', (chunk: Buffer) => {
    let data = chunk;
    if (atRequestLine) {
      const end = chunk.indexOf(0x0a);
      atRequestLine = end < 0;
      data = end < 0 ? encodeRawBytes(chunk) : Buffer.concat([encodeRawBytes(chunk.subarray(0, end)), chunk.subarray(end)]);
    }
    if (!connection.push(data)) socket.pause();
  });
  socket.on('end', () => connection.push(null));
  socket.on('error', (error) => connection.destroy(error));
  socket.on('close', () => connection.destroy());
  // What the gateway and the HTTP server read off a socket.
  Object.assign(connection, {
    remoteAddress: socket.remoteAddress,
    remotePort: socket.remotePort,
    localAddress: socket.localAddress,
    localPort: socket.localPort,
  });
  const track = (res: ServerResponse) => {
    open++;
    res.once('close', () => {
      open--;
      if (!open) atRequestLine = true;
    });
  };
  return { connection, track };
};

/**
 * A TCP server handing each connection, request lines encoded, to `http`;
 * `track` tells a connection about each request it carries, `close` stops
 * listening and drops every connection (the HTTP server does not see them as its own).
 */
export const acceptRawUtf8 = (http: HttpServer) => {
  const tracked = new WeakMap<object, (res: ServerResponse) => void>();
  const sockets = new Set<Socket>();
  const server: Server = createNetServer((socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    const { connection, track } = encodingRequestLines(socket);
    tracked.set(connection, track);
    http.emit('connection', connection);
  });
  return {
    server,
    track: (req: IncomingMessage, res: ServerResponse) => tracked.get(req.socket)?.(res),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        for (const socket of sockets) socket.destroy();
      }),
  };
};
