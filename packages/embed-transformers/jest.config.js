module.exports = {
  ...require('../../jest.preset.js'),
  testEnvironment: require.resolve('../../jest.shared-arrays-env.js'),
};
