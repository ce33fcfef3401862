// ESM entry: the CommonJS build re-exported, so `import` and `require` share one module
// instance (one addon load, one KafkaError class for instanceof checks).
export * from './index.js'
