// Three projects: "unit" runs anywhere from the TypeScript sources; "kernel" runs
// the compiled tests inside the kernel lab (UML guest or a fresh netns), where
// a real IPVS is available; "lab-shell" boots `npm run lab` from the host (it
// needs linux.uml and the build). scripts/test.js decides where each runs.
module.exports = {
  projects: [
    {
      displayName: 'unit',
      testEnvironment: 'node',
      roots: ['<rootDir>/test'],
      testMatch: ['**/*.test.ts'],
      testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/kernel/', '<rootDir>/test/lab-shell/'],
      transform: { '^.+\\.ts$': ['ts-jest', { isolatedModules: true }] },
    },
    {
      // `npm run lab`, booted from the host as a user runs it (UML, one guest at a time).
      displayName: 'lab-shell',
      testEnvironment: 'node',
      roots: ['<rootDir>/test/lab-shell'],
      testMatch: ['**/*.test.ts'],
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
