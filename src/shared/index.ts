export * from './schemas';
export * from './template';
export * from './contract/channels';
export * from './contract/contract';
export * from './contract/desktop-api';
