import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // emulator round trips over real HTTPS, real git repositories: allow time, never assert on it
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
