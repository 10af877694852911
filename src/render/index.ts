/** Text renderers for ipvsadm's classic output; they return strings and never print. */
export * from './addrport';
export * from './connections';
export * from './list';
export * from './misc';
export * from './numbers';
export * from './save';
export * from './sort';
