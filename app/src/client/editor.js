// Glue between the exercise bundle's WASM and the editor chunk (site/pkg/editor.js, CodeMirror):
// the chunk is fetched on the first mount only, once per page.
let chunk;
export async function mountEditor(textarea, kind) {
  chunk ??= import("/pkg/editor.js");
  return (await chunk).mount(textarea, kind);
}
export function setDiagnostics(editor, json) {
  editor.setDiagnostics(JSON.parse(json));
}

// The pre-check's own WASM module (kubelab-precheck: the check engine), loaded on first use.
let checker;
let ready;
export async function loadPrecheck() {
  checker ??= import("/pkg/kubelab-precheck.js").then(async (m) => {
    await m.default();
    ready = m;
  });
  await checker;
}
// The pre-check's JSON reply, or undefined before the module has loaded (or for unreadable rules).
export function precheck(rules, text) {
  return ready?.precheck(rules, text);
}
