import { createServer, type AddressInfo, type Server } from 'node:net';
import { Aedes } from 'aedes';

export interface RunningMqtt {
  url: string;
  /** An embedded aedes broker in this process (stopped with the stack), or the given MQTT_URL. */
  embedded: boolean;
  stop(): Promise<void>;
}

/**
 * The stack's MQTT broker: MQTT_URL when given, else aedes embedded in the `npm start` process.
 * aedes keeps sessions, queued QoS 1 messages and retained messages in memory: they are lost when
 * `npm start` stops. Fine for the demo and the meter simulator; a plant points MQTT_URL at its
 * own broker (Mosquitto, EMQX…) with persistence.
 */
export async function ensureMqtt(options: { url?: string; host: string; port: number }): Promise<RunningMqtt> {
  if (options.url) return { url: options.url, embedded: false, stop: async () => undefined };
  const broker = await Aedes.createBroker();
  const server: Server = createServer(broker.handle);
  const listen = (port: number) =>
    new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, options.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  try {
    await listen(options.port);
  } catch (err) {
    // The port is taken (often by a Mosquitto of the machine): any free port will do for the demo.
    if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw err;
    await listen(0);
  }
  const { port } = server.address() as AddressInfo;
  return {
    url: `mqtt://${options.host}:${port}`,
    embedded: true,
    stop: async () => {
      await new Promise<void>((resolve) => broker.close(() => resolve()));
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
