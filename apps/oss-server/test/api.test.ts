import { describeApi } from './api-suite';

describeApi('embedded default', { env: async () => ({}), stop: async () => undefined });
