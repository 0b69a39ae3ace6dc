export * from './common';
export * from './template';
export * from './prompts';
export * from './users';
export * from './app';
export * from './versions';
export * from './sharing';
