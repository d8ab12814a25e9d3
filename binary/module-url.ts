/**
 * What `import.meta.url` reads inside the executable's bundle. The build injects this module and
 * defines `import.meta.url` as `moduleUrl` (esbuild `inject` + `define`), so the mock's own way of
 * finding its files (walking up from its module for openapi.yaml and package.json, `createRequire`
 * for swagger-ui-dist and @hono/node-server) works unchanged against the package folder the
 * executable extracts. Set once by the entry before any module of the mock is evaluated.
 */
export let moduleUrl = "";

export function setModuleUrl(url: string): void {
  moduleUrl = url;
}
