// Moved to src/ipvs/types.ts; this re-export goes once the last importers follow.
export * from '../ipvs/types';
