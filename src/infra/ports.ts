import net from 'node:net';
import { StartupError } from '../startup-error.js';

/** A TCP port on 127.0.0.1 that nothing listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => {
        if (address !== null && typeof address === 'object') resolve(address.port);
        else reject(new Error('could not pick a free port'));
      });
    });
  });
}

/** Listens on host:port with the given server, or fails with one line naming the port. */
export function listen(server: net.Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException): void => {
      server.off('listening', onListening);
      if (err.code === 'EADDRINUSE') {
        reject(new StartupError(`port ${port} on ${host} is already in use; stop what holds it or set PORT to another port`));
      } else if (err.code === 'EACCES') {
        reject(new StartupError(`not allowed to listen on ${host}:${port}; choose a PORT above 1023`));
      } else if (err.code === 'EADDRNOTAVAIL') {
        reject(new StartupError(`cannot listen on ${host}: no such local address; set HOST to an address of this machine`));
      } else {
        reject(new StartupError(`cannot listen on ${host}:${port}: ${err.message}`));
      }
    };
    const onListening = (): void => {
      server.off('error', onError);
      const address = server.address();
      resolve(address !== null && typeof address === 'object' ? address.port : port);
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, host);
  });
}
