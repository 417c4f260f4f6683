// The transformers.js embedder runs in these tests: see jest.shared-arrays-env.js.
module.exports = {
  ...require('../../jest.preset.js'),
  testEnvironment: require.resolve('../../jest.shared-arrays-env.js'),
};
