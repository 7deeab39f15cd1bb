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
