declare module 'node-gyp-build' {
  function load(dir: string): unknown
  namespace load {
    function path(dir: string): string
  }
  export = load
}
