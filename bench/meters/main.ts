import { connectAsync, type MqttClient } from 'mqtt';
import { createFleet } from './meter';
import { parseOptions, type SimOptions } from './options';
import { seededRandom } from './random';

/**
 * Meter simulator for the MQTT demo and benchmarks: N three-phase meters, each publishing a reading
 * (cumulative kWh, kW, kvar, pf, phase voltages and currents, frequency) every 1/hz seconds, spread
 * evenly over the second. Prints the achieved publish rate next to the target.
 */
async function main(): Promise<void> {
  let options: SimOptions;
  try {
    options = parseOptions(process.argv.slice(2));
  } catch (err) {
    console.error(err instanceof Error ? err.message : String(err));
    process.exit(2);
  }
  const random = seededRandom(options.seed);
  const fleet = createFleet(options.meters, random);
  const clients: MqttClient[] = [];
  for (let c = 0; c < options.clients; c += 1) {
    clients.push(await connectAsync(options.url, { clientId: `qiao-sim-${process.pid}-${c}`, clean: true, reconnectPeriod: 1000 }));
  }
  const target = options.meters * options.hz;
  console.log(`Publishing ${options.meters} meters × ${options.hz} Hz = ${target} msg/s to ${options.url.replace(/\/\/[^@]*@/, '//***@')} (${options.topicPrefix}/<meterId>/energy, QoS ${options.qos}, ${options.clients} connections)`);

  const started = Date.now();
  let sent = 0;
  let acked = 0;
  let failed = 0;
  let inFlight = 0;
  let next = 0;
  let lastReport = { at: started, sent: 0 };
  const maxInFlight = 2000 * options.clients;

  const publishDue = () => {
    // How many readings should have gone by now; publish up to that (catching up if we fell behind).
    const due = Math.floor(((Date.now() - started) / 1000) * target);
    while (sent < due && inFlight < maxInFlight) {
      const meter = fleet[next % fleet.length];
      const client = clients[next % clients.length];
      next += 1;
      if (!meter || !client) break;
      const reading = meter.read(Date.now(), options.resetChance);
      sent += 1;
      if (options.qos === 0) {
        client.publish(`${options.topicPrefix}/${reading.meterId}/energy`, JSON.stringify(reading), { qos: 0 });
        acked += 1;
        continue;
      }
      inFlight += 1;
      client.publish(`${options.topicPrefix}/${reading.meterId}/energy`, JSON.stringify(reading), { qos: 1 }, (err) => {
        inFlight -= 1;
        if (err) failed += 1;
        else acked += 1;
      });
    }
  };
  const pump = setInterval(publishDue, 20);
  const report = setInterval(() => {
    const now = Date.now();
    const rate = ((sent - lastReport.sent) * 1000) / (now - lastReport.at);
    lastReport = { at: now, sent };
    console.log(`${((now - started) / 1000).toFixed(0).padStart(5)} s  sent ${sent}  acknowledged ${acked}${failed ? `  failed ${failed}` : ''}  rate ${rate.toFixed(0)} msg/s (target ${target})${inFlight ? `  in flight ${inFlight}` : ''}`);
  }, 5000);

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    clearInterval(pump);
    clearInterval(report);
    await Promise.all(clients.map((c) => c.endAsync()));
    const seconds = (Date.now() - started) / 1000;
    console.log(`Done: ${sent} readings in ${seconds.toFixed(1)} s = ${(sent / seconds).toFixed(0)} msg/s achieved (target ${target}); acknowledged ${acked}, failed ${failed}.`);
    process.exit(failed > 0 ? 1 : 0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
  if (options.duration) setTimeout(() => void stop(), options.duration * 1000);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : String(err));
  process.exit(1);
});
