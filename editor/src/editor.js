// The exercise panel's code editor: CodeMirror 6 over the panel's <textarea>.
//
// The island (Rust) keeps owning the text: the textarea stays in the DOM (hidden), every edit is
// written back to it and announced with an `input` event, so the island's handlers, the form's
// submit and the no-JavaScript fallback all read the same field. This file only adds editing
// (line numbers, highlighting, brackets, search, undo) and shows diagnostics the island computes.
import { EditorState, Compartment } from "@codemirror/state";
import {
  EditorView, keymap, lineNumbers, highlightActiveLine, highlightActiveLineGutter, drawSelection,
} from "@codemirror/view";
import { defaultKeymap, history, historyKeymap, indentWithTab } from "@codemirror/commands";
import {
  StreamLanguage, bracketMatching, indentOnInput, indentUnit, syntaxHighlighting,
} from "@codemirror/language";
import { searchKeymap, highlightSelectionMatches } from "@codemirror/search";
import { lintGutter, lintKeymap, setDiagnostics } from "@codemirror/lint";
import { yaml } from "@codemirror/lang-yaml";
import { dockerFile } from "@codemirror/legacy-modes/mode/dockerfile";
import { shell } from "@codemirror/legacy-modes/mode/shell";
import { classHighlighter } from "@lezer/highlight";

function language(kind) {
  switch (kind) {
    case "dockerfile": return StreamLanguage.define(dockerFile);
    case "command": return StreamLanguage.define(shell);
    default: return yaml();
  }
}

// A 1-based line and column as a document offset, clamped into the document. The check engine
// counts columns in characters (code points); the document counts UTF-16 units.
function offset(doc, line, column) {
  const l = doc.line(Math.min(Math.max(1, line | 0), doc.lines));
  const chars = Array.from(l.text).slice(0, Math.max(0, (column | 0) - 1));
  return l.from + chars.reduce((n, c) => n + c.length, 0);
}

class Editor {
  constructor(textarea, kind) {
    this.textarea = textarea;
    this.readOnly = new Compartment();
    const attrs = {};
    for (const a of ["aria-label", "aria-labelledby", "aria-describedby"]) {
      const v = textarea.getAttribute(a);
      if (v) attrs[a] = v;
    }
    this.view = new EditorView({
      parent: textarea.parentNode,
      state: EditorState.create({
        doc: textarea.value,
        extensions: [
          lineNumbers(),
          highlightActiveLineGutter(),
          highlightActiveLine(),
          drawSelection(),
          history(),
          indentOnInput(),
          bracketMatching(),
          highlightSelectionMatches(),
          lintGutter(),
          EditorState.tabSize.of(2),
          indentUnit.of("  "),
          language(kind),
          // The site's own token classes (.tok-*), so lessons and editor share colours and dark mode.
          syntaxHighlighting(classHighlighter),
          // Tab indents; Escape then Tab leaves the editor (CodeMirror's tab focus mode).
          // Ctrl-Shift-M opens the list of marks, F8 goes to the next: the marks without a mouse.
          keymap.of([indentWithTab, ...defaultKeymap, ...historyKeymap, ...searchKeymap, ...lintKeymap]),
          EditorView.contentAttributes.of({ ...attrs, spellcheck: "false", autocapitalize: "off" }),
          EditorView.updateListener.of((u) => {
            if (!u.docChanged) return;
            this.textarea.value = u.state.doc.toString();
            this.textarea.dispatchEvent(new Event("input", { bubbles: true }));
          }),
          this.readOnly.of(EditorState.readOnly.of(textarea.disabled)),
          // The selection in the site's colours, light or dark (the base theme's is light only).
          EditorView.theme({
            "&.cm-focused > .cm-scroller > .cm-selectionLayer .cm-selectionBackground, .cm-selectionBackground":
              { background: "var(--dg-accent)" },
          }),
        ],
      }),
    });
    textarea.parentNode.insertBefore(this.view.dom, textarea);
    this.view.dom.classList.add("code-editor");
    // A learner who was typing in the textarea while this loaded keeps typing, at the same place.
    const focused = document.activeElement === textarea;
    const at = Math.min(textarea.selectionStart || 0, this.view.state.doc.length);
    textarea.hidden = true;
    if (focused) {
      this.view.dispatch({ selection: { anchor: at } });
      this.view.focus();
    }
  }

  // [{line, column, message, severity}], 1-based; a mark runs to the end of the word or line.
  setDiagnostics(list) {
    const doc = this.view.state.doc;
    const diagnostics = (list || []).map((d) => {
      const from = offset(doc, d.line, d.column);
      const line = doc.lineAt(from);
      const rest = line.text.slice(from - line.from);
      const word = rest.match(/^\S+/);
      let to = from + (word ? word[0].length : rest.length);
      if (to === from && from < doc.length) to = from + 1;
      return { from, to, message: d.message, severity: d.severity || "error" };
    });
    this.view.dispatch(setDiagnostics(this.view.state, diagnostics));
  }

  goTo(line, column) {
    const pos = offset(this.view.state.doc, line, column);
    this.view.dispatch({ selection: { anchor: pos }, scrollIntoView: true });
    this.view.focus();
  }

  setText(text) {
    const doc = this.view.state.doc;
    if (doc.toString() !== text) this.view.dispatch({ changes: { from: 0, to: doc.length, insert: text } });
  }

  setDisabled(disabled) {
    this.view.dispatch({ effects: this.readOnly.reconfigure(EditorState.readOnly.of(!!disabled)) });
  }

  destroy() {
    this.view.destroy();
    this.textarea.hidden = false;
  }
}

export function mount(textarea, kind) {
  return new Editor(textarea, kind);
}
