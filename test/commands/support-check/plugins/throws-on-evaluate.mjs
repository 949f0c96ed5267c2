// A plugin whose check function loads fine but throws when it runs: it must fail only its own check.

export const brokenProbe = {
  name: 'broken_probe',
  description: 'always throws, as a plugin with a bug does',
  params: {},
  window: () => 0,
  evaluate() {
    throw new TypeError("Cannot read properties of undefined (reading 'free')");
  },
};
