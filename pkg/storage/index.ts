export * from './storage.js';
export * from './storage-error.js';
export { parseRequestedVersion, parseRevision, type RequestedVersion } from './resource-version.js';
export { SqliteStorage, type SqliteStorageOptions } from './sqlite-storage.js';
export { WatchHub } from './watch-hub.js';
export { Watcher, type Backlog, type BacklogPage, type LiveFeed } from './watcher.js';
export { prefixRange, type KeyRange } from './key-range.js';
export { encodeContinue, decodeContinue, type ContinuePosition } from './continue-token.js';
export { scanObjectJson, stampResourceVersion, type ScannedObject } from './object-json.js';
