import type { Server } from "node:https";
import type { AddressInfo } from "node:net";

/** Starts `server` listening (port 0: any free one) and resolves with the port it got; a bind error rejects. */
export async function listenOn(server: Server, port: number | undefined, host: string | undefined): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port ?? 0, host ?? "127.0.0.1", () => resolve());
  });
  return (server.address() as AddressInfo).port;
}

/** Stops `server`, ending its keep-alive connections (MSAL, fetch), which would otherwise hold the close open. */
export function closeServer(server: Server): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    server.close((error) => (error ? reject(error) : resolve()));
    server.closeAllConnections();
  });
}
