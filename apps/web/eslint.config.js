// The workspace's config plus the rules of hooks for the React app.
import reactHooks from 'eslint-plugin-react-hooks';
import tseslint from 'typescript-eslint';
import workspace from '../../eslint.config.js';

export default tseslint.config(...workspace, {
  files: ['src/**/*.{ts,tsx}'],
  extends: [reactHooks.configs.flat.recommended],
  rules: {
    // This rule reports components the React Compiler would skip; the app does not use the
    // compiler, and TanStack Virtual's hook is the documented way to virtualize.
    'react-hooks/incompatible-library': 'off',
  },
});
