// Two projects: "unit" runs anywhere from the TypeScript sources; "kernel" runs
// the compiled tests inside the kernel lab (UML guest or a fresh netns), where
// a real IPVS is available. scripts/test.js decides where "kernel" runs.
module.exports = {
  projects: [
    {
      displayName: 'unit',
      testEnvironment: 'node',
      roots: ['<rootDir>/test'],
      testMatch: ['**/*.test.ts'],
      testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/kernel/'],
      transform: { '^.+\\.ts$': ['ts-jest', { isolatedModules: true }] },
    },
    {
      displayName: 'kernel',
      testEnvironment: 'node',
      roots: ['<rootDir>/dist/test/kernel'],
      testMatch: ['**/*.test.js'],
    },
  ],
};
