// Vite's `?url` imports (the wasm binaries the site build emits): the URL the file is served at.
declare module '*?url' {
  const url: string;
  export default url;
}

// Single-file components of the theme (Vite compiles them; tsc sees only their default export).
declare module '*.vue' {
  const component: import('vue').Component;
  export default component;
}
