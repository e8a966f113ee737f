// Preloaded with --import (NODE_OPTIONS refuses --cpu-prof): records a V8 CPU profile of the whole
// process and writes it to $QIAO_CPU_PROFILE_DIR/<pid>.cpuprofile when the process exits.
import { Session } from 'node:inspector';
import { writeFileSync } from 'node:fs';
import path from 'node:path';

const dir = process.env.QIAO_CPU_PROFILE_DIR;
if (dir) {
  const session = new Session();
  session.connect();
  session.post('Profiler.enable');
  session.post('Profiler.setSamplingInterval', { interval: 500 });
  session.post('Profiler.start');
  process.on('exit', () => {
    // Same-thread inspector sessions answer synchronously, so this completes inside the exit handler.
    session.post('Profiler.stop', (err, result) => {
      if (!err) writeFileSync(path.join(dir, `${process.argv[1] ? path.basename(path.dirname(path.dirname(process.argv[1]))) : 'node'}-${process.pid}.cpuprofile`), JSON.stringify(result.profile));
    });
  });
}
