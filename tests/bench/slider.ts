// Time from a slider move to the redrawn frame, in Chromium on the built site:
// the control's input event, the engine re-running the scenario on the main
// thread, React committing, and the next animation frame.
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS, findChromium } from '../../scripts/find-chromium.mjs';
import { serveStatic } from '../../scripts/serve-static.mjs';

/**
 * In the page: moves the slider a step up or down twelve times, each time timing from the
 * input event to two painted frames: the one with the control redrawn, and the one after
 * every view has re-run (no figure left marked stale). A frame counts as painted at the
 * first task after its animation frame callback (a message posted from it), as browsers
 * paint right after those callbacks.
 */
const MOVE_AND_WAIT_FOR_FRAMES = `async (input) => {
  const setValue = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value').set;
  const painted = () =>
    new Promise((resolve) =>
      requestAnimationFrame(() => {
        const channel = new MessageChannel();
        channel.port1.onmessage = () => resolve(null);
        channel.port2.postMessage(null);
      }),
    );
  const out = [];
  for (let i = 0; i < 12; i++) {
    const next = String(Number(input.value) + (i % 2 === 0 ? 1 : -1));
    const start = performance.now();
    setValue.call(input, next);
    input.dispatchEvent(new Event('input', { bubbles: true }));
    await painted();
    const control = performance.now() - start;
    while (document.querySelector('[data-stale]')) await painted();
    out.push([control, performance.now() - start]);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return out;
}`;

export async function benchSliderRedraw(
  distDir = 'dist',
  page = 'lab/',
  slider = 'pool_size',
  region = 'Configuration',
): Promise<void> {
  const found = await findChromium();
  if (!found) {
    console.log('slider redraw: skipped (no Chromium)');
    return;
  }
  const port = 4390;
  const server = await serveStatic(distDir, '/', port);
  const browser = await chromium.launch({ executablePath: found.path, args: CHROMIUM_ARGS });
  try {
    const tab = await browser.newPage();
    await tab.goto(`http://127.0.0.1:${port}/${page}`);
    const control = tab
      .getByRole('region', { name: region })
      .first()
      .getByRole('slider', { name: slider });
    // Bring every view into play (they hydrate when visible), then come back to the control.
    for (const island of await tab.locator('astro-island').all()) {
      await island.scrollIntoViewIfNeeded();
      await island.locator('.poollab-widget[data-ready]').first().waitFor({ timeout: 30_000 });
    }
    await control.scrollIntoViewIfNeeded();
    await tab.waitForTimeout(2000);
    // Passed as source text: the TypeScript loader would otherwise add helpers the page lacks.
    const times = (await control.evaluate(
      (input, source) => (0, eval)(source)(input),
      MOVE_AND_WAIT_FOR_FRAMES,
    )) as [number, number][];
    const stats = (values: number[]) => {
      const sorted = values.slice(2).sort((a, b) => a - b);
      const median = sorted[Math.floor(sorted.length / 2)] ?? NaN;
      return `median ${median.toFixed(1)} ms, worst ${(sorted[sorted.length - 1] ?? NaN).toFixed(1)} ms`;
    };
    console.log(`slider move on /${page} (${slider} in "${region}"), ${times.length - 2} moves:`);
    console.log(`  to the frame with the control redrawn: ${stats(times.map((t) => t[0]))}`);
    console.log(`  to the frame with every view re-run:   ${stats(times.map((t) => t[1]))}`);
  } finally {
    await browser.close();
    server.close();
  }
}
