/**
 * `@forge/react/jira` is published through package.json `exports`, which the project's
 * `moduleResolution: node` does not read; this points the type checker at the same file.
 * Runtime (Forge bundler, Node, Jest) resolves the subpath through `exports` as usual.
 */
declare module '@forge/react/jira' {
  export { CustomFieldEdit } from '@forge/react/out/components/jira';
}
