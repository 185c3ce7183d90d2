// `npm run bench`: prints figures, asserts nothing. Speed and size targets are
// read off these figures, not enforced by timed tests (which flake on shared machines).
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { measureSite, pageWeightTable } from './page-weight';
import { benchSliderRedraw } from './slider';

async function benchPageWeight(): Promise<void> {
  const started = process.hrtime.bigint();
  execFileSync(process.execPath, ['node_modules/astro/bin/astro.mjs', 'build'], {
    stdio: 'ignore',
    env: { ...process.env, ASTRO_TELEMETRY_DISABLED: '1' },
  });
  const buildSeconds = Number(process.hrtime.bigint() - started) / 1e9;
  const weights = await measureSite('dist');
  console.log(`site build: ${buildSeconds.toFixed(1)} s`);
  console.log('JavaScript shipped per page (static imports followed; lazy search UI not counted):');
  console.log(pageWeightTable(weights));
  const heaviest = weights.reduce((a, b) => (b.gzipBytes > a.gzipBytes ? b : a));
  console.log(
    `heaviest page: /${heaviest.page} ${heaviest.rawBytes} bytes raw, ${heaviest.gzipBytes} bytes gzipped`,
  );
}

await benchPageWeight();
// The Lab: one scenario behind every view. A chapter: one widget on its page's defaults.
await benchSliderRedraw('dist', 'lab/', 'pool_size', 'Configuration');
await benchSliderRedraw(
  'dist',
  'queuepool/',
  'pool_size',
  'QueuePool: checkouts, overflow and waits',
);
if (existsSync(new URL('./engine.ts', import.meta.url))) {
  const { benchEngine } = await import('./engine');
  await benchEngine();
}
