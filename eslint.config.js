// Type-aware lint for the whole workspace. Module boundaries hold DESIGN.md's dependency
// direction: protocol <- client/realtime/db <- api <- gateway; web sees api types only.
import nx from '@nx/eslint-plugin';
import tseslint from 'typescript-eslint';

export default [
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  {
    ignores: ['**/node_modules', '**/dist', '**/.next', '**/out-tsc', 'libs/db/src/generated/**', '**/next-env.d.ts', '**/vitest.config.ts', '**/vitest.*.config.ts', 'vitest.shared.ts', 'eslint.config.js', '**/eslint.config.js', '**/next.config.ts', 'tmp/**'],
  },
  {
    files: ['**/*.ts', '**/*.tsx'],
    languageOptions: {
      parser: tseslint.parser,
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    plugins: { '@typescript-eslint': tseslint.plugin },
    rules: {
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { attributes: false } }],
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: false,
          // The e2e project boots the real gateway in-process; tags still restrict who may.
          allow: ['@parley/gateway', '@parley/gateway/testing'],
          depConstraints: [
            { sourceTag: 'type:protocol', onlyDependOnLibsWithTags: [] },
            { sourceTag: 'type:client', onlyDependOnLibsWithTags: ['type:protocol'] },
            { sourceTag: 'type:calls', onlyDependOnLibsWithTags: ['type:protocol', 'type:client'] },
            { sourceTag: 'type:realtime', onlyDependOnLibsWithTags: ['type:protocol'] },
            { sourceTag: 'type:db', onlyDependOnLibsWithTags: ['type:protocol'] },
            { sourceTag: 'type:api', onlyDependOnLibsWithTags: ['type:db', 'type:protocol'] },
            { sourceTag: 'type:gateway', onlyDependOnLibsWithTags: ['type:api', 'type:db', 'type:realtime', 'type:protocol'] },
            { sourceTag: 'type:web', onlyDependOnLibsWithTags: ['type:client', 'type:calls', 'type:protocol', 'type:api'] },
            { sourceTag: 'type:e2e', onlyDependOnLibsWithTags: ['type:client', 'type:calls', 'type:protocol', 'type:db', 'type:api', 'type:gateway'] },
            { sourceTag: 'type:tool', onlyDependOnLibsWithTags: ['type:client', 'type:protocol', 'type:db', 'type:realtime'] },
            { sourceTag: 'scope:browser', onlyDependOnLibsWithTags: ['scope:shared', 'scope:browser'] },
          ],
        },
      ],
    },
  },
  {
    // Tests assert shapes they just checked; `!` there is clearer than a guard per line.
    files: ['**/*.test.ts', '**/*.test.tsx', '**/testing/**/*.ts'],
    rules: { '@typescript-eslint/no-non-null-assertion': 'off' },
  },
];
