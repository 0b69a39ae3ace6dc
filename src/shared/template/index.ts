export * from './parse';
export * from './template';
