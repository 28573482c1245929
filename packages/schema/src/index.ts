export * from './board';
export * from './common';
export * from './errors';
export * from './events';
export * from './limits';
export * from './projects';
export * from './tasks';
export * from './users';
