import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/unit/**/*.test.ts', 'tests/unit/**/*.test.tsx'],
    environment: 'node',
    // Statistical and whole-preset runs take seconds on a loaded 2-core machine;
    // a timeout is a hang detector here, not a speed target (those are in `npm run bench`).
    testTimeout: 60_000,
  },
});
