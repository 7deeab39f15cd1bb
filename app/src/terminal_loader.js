// Opens the terminal dock (app/src/pages/terminal.rs) on demand: the module with xterm.js and
// its stylesheet are fetched only when a learner opens the dock, presses "Run in terminal", or
// left the dock open on the last page.
((pkg) => {
  const dock = document.getElementById("terminal-dock");
  let ready;
  const load = () =>
    (ready ??= (() => {
      const css = document.createElement("link");
      css.rel = "stylesheet";
      css.href = `${pkg}/terminal.css`;
      document.head.append(css);
      return import(`${pkg}/terminal.js`).then((m) => m.mount(dock));
    })());
  for (const b of document.querySelectorAll("[data-run]")) b.hidden = false;
  document.addEventListener("click", (e) => {
    const b = e.target.closest?.("[data-term-open],[data-run]");
    if (b) load().then((d) => (b.hasAttribute("data-run") ? d.run(b) : d.show()));
  });
  try {
    if (JSON.parse(localStorage.getItem("kubelab.terminal"))?.open) load().then((d) => d.show(false));
  } catch {
    // Storage off: the dock starts closed.
  }
})
