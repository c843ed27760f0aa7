import base from '../../eslint.config.js';

// eslint-config-next / eslint-plugin-react-hooks are not installed in this workspace; until
// they are, the shared type-aware rules cover the app's .ts/.tsx files.
export default [
  ...base,
  { ignores: ['.next/**', 'next-env.d.ts'] },
];
