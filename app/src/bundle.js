// Hydrates the islands of a page from one or two WASM bundles (app/src/bundle.rs): the page
// kind's bundle on idle, and the exercise panel's only when the learner nears a panel.
// The walk is leptos' island script, except that an island another bundle owns is skipped.
((pkg, main, lazy) => {
  const childrenCallbacks = [];
  async function hydrateIsland(el, mod) {
    const islandFn = mod[el.dataset.component];
    if (!islandFn) return;
    const cb = childrenCallbacks[childrenCallbacks.length - 1];
    if (cb) cb();
    const res = islandFn(el);
    if (res && res.then) await res;
  }
  async function traverse(node, mod) {
    if (node.nodeType !== Node.ELEMENT_NODE) return;
    const tag = node.tagName.toLowerCase();
    if (tag === "leptos-island") await hydrateIsland(node, mod);
    if (tag === "leptos-children") childrenCallbacks.push(node.$$on_hydrate);
    for (const child of node.children) await traverse(child, mod);
    if (tag === "leptos-children") childrenCallbacks.pop();
  }
  const load = (name) =>
    import(`${pkg}/${name}.js`).then((mod) =>
      mod.default({ module_or_path: `${pkg}/${name}_bg.wasm` }).then(() => {
        mod.hydrate();
        return traverse(document.body, mod);
      }),
    );
  const idle = (f) => ("requestIdleCallback" in window ? requestIdleCallback(f) : f());
  idle(() => load(main));
  if (!lazy) return;
  const panels = document.querySelectorAll(`leptos-island[data-component^="${lazy.island}_"]`);
  if (!panels.length) return;
  let started = false;
  const start = () => {
    if (started) return;
    started = true;
    seen.disconnect();
    load(lazy.bundle);
  };
  // A screen or so ahead of the panel, so it is live by the time the learner is there.
  const seen = new IntersectionObserver((es) => es.some((e) => e.isIntersecting) && start(), {
    rootMargin: "1200px 0px",
  });
  for (const p of panels) {
    seen.observe(p);
    p.addEventListener("pointerenter", start, { once: true });
    p.addEventListener("focusin", start, { once: true });
  }
})
