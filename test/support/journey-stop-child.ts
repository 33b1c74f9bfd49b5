// The composed server (startJourney) in a process of its own, for the test that a stopped
// server leaves nothing open: prints `{"event":"ready","url":…}`; on a `stop` line on stdin
// stops it, prints `{"event":"stopped"}`, and should then exit by itself.
import { createInterface } from 'node:readline';
import { startJourney } from './journey.js';

const j = await startJourney();
console.log(JSON.stringify({ event: 'ready', url: j.url }));
const commands = createInterface({ input: process.stdin });
commands.on('line', (line) => {
  if (line.trim() !== 'stop') return;
  commands.close();
  process.stdin.destroy();
  void j.stop().then(() => console.log(JSON.stringify({ event: 'stopped' })));
});
