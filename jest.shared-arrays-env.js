// ONNX Runtime's native binding creates typed arrays in Node's own realm and checks tensors
// with `instanceof`; jest runs tests in a separate realm, so the tests share Node's typed
// array classes (what the binding sees in a real process).
const { TestEnvironment } = require('jest-environment-node');

const SHARED = [
  'ArrayBuffer',
  'Float32Array',
  'Float64Array',
  'Int8Array',
  'Int16Array',
  'Int32Array',
  'BigInt64Array',
  'Uint8Array',
  'Uint16Array',
  'Uint32Array',
  'BigUint64Array',
];

module.exports = class OuterRealmArrays extends TestEnvironment {
  constructor(config, context) {
    super(config, context);
    for (const name of SHARED) this.global[name] = globalThis[name];
  }
};
