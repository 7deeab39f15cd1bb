// The in-page terminal (issue #12): xterm.js in the dock the server rendered (app/src/pages/
// terminal.rs), and its WebSocket to /api/me/terminal. Bundled by esbuild into site/pkg/
// terminal.js (+ terminal.css) and imported by the page's small loader only when a learner opens
// the dock, presses "Run in terminal", or had the dock open on the last page: a page's first load
// never carries it.
//
// The socket: binary frames are the shell's bytes both ways; text frames from the server are
// {"status":"starting"|"ready","recording":bool} (a "ready" again when the instructor turns the
// recording of commands on or off: the dock then says so) or an error body {"error":{code,message:{zh,en}}} followed by a
// close with code 4000 (then the reason is shown, and nothing reconnects on its own). Any other
// close (network gone, laptop asleep, server restart) reconnects with a growing delay, and the
// server's tmux session brings back the shell with its scrollback.
import { Terminal } from "@xterm/xterm";
import { FitAddon } from "@xterm/addon-fit";
import { WebLinksAddon } from "@xterm/addon-web-links";
import "@xterm/xterm/css/xterm.css";

const STORE = "kubelab.terminal";
const CLOSE_REFUSED = 4000;
// The server takes frames up to 256 KiB: a paste is sent in pieces, and a paste larger than the
// largest manifest Apply takes is refused here, with a message, instead of cutting the socket.
const CHUNK = 32 * 1024;
const MAX_PASTE = 256 * 1024;
const MIN_SIZE = 120;

const isMac = /Mac|iPhone|iPad/.test(navigator.platform || navigator.userAgent);
const encoder = new TextEncoder();

function remembered() {
  try {
    return JSON.parse(localStorage.getItem(STORE)) || {};
  } catch {
    return {};
  }
}
function remember(change) {
  try {
    localStorage.setItem(STORE, JSON.stringify({ ...remembered(), ...change }));
  } catch {
    // Storage off (private mode): the dock still works, it just does not remember.
  }
}

/// Whether the learner left the dock open on the last page (the loader then opens it at once).
export function wasOpen() {
  return remembered().open === true;
}

let dock;
/// The page's one terminal dock, made on first use.
export function mount(el) {
  dock ??= new Dock(el);
  return dock;
}

class Dock {
  constructor(el) {
    this.el = el;
    this.lang = el.dataset.lang === "zh" ? "zh" : "en";
    this.text = JSON.parse(el.dataset.text);
    this.screen = el.querySelector(".term-screen");
    this.statusEl = el.querySelector(".term-status");
    this.recordingEl = el.querySelector('[data-term="recording"]');
    this.actionBtn = el.querySelector('[data-term="action"]');
    this.layoutBtn = el.querySelector('[data-term="layout"]');
    this.handle = el.querySelector(".term-resize");
    this.openers = document.querySelectorAll("[data-term-open]");
    this.ws = null;
    this.wanted = false;
    this.attempt = 0;
    this.timer = 0;
    this.reconnecting = false;
    this.queue = [];
    this.armed = null;
    this.ready = false;
    this.connecting = false;
    this.attached = false;

    const dark = matchMedia("(prefers-color-scheme: dark)").matches;
    this.term = new Terminal({
      cursorBlink: true,
      scrollback: 5000,
      fontSize: 14,
      fontFamily: 'ui-monospace, "SFMono-Regular", "Cascadia Mono", Menlo, Consolas, monospace',
      theme: dark
        ? { background: "#11151c", foreground: "#e6e9ef", cursor: "#e6e9ef", selectionBackground: "#3d5a80" }
        : { background: "#1b1f27", foreground: "#eceff4", cursor: "#eceff4", selectionBackground: "#4c6a92" },
      // The browser's own copy and paste events reach xterm; see key() for the shortcuts.
      rightClickSelectsWord: false,
    });
    this.fit = new FitAddon();
    this.term.loadAddon(this.fit);
    this.term.loadAddon(new WebLinksAddon((_, uri) => window.open(uri, "_blank", "noopener")));
    this.term.open(this.screen);
    this.term.attachCustomKeyEventHandler((e) => this.key(e));
    this.term.onData((d) => this.send(d));
    // A key the learner presses (not xterm's own replies to tmux's queries) makes Enter theirs.
    this.term.onKey(() => this.disarm());
    this.term.onBinary((d) => this.sendBytes(Uint8Array.from(d, (c) => c.charCodeAt(0))));
    this.term.onResize(({ cols, rows }) => this.control({ resize: { cols, rows } }));
    this.screen.addEventListener("contextmenu", (e) => this.rightClick(e));

    el.querySelector('[data-term="copy"]').addEventListener("click", () => this.copy());
    el.querySelector('[data-term="paste"]').addEventListener("click", () => this.pasteFromClipboard());
    el.querySelector('[data-term="close"]').addEventListener("click", () => this.hide());
    this.actionBtn.addEventListener("click", () => this.reconnectNow());
    this.layoutBtn.addEventListener("click", () => this.setLayout(this.layout === "beside" ? "below" : "beside"));
    this.resizable();

    let pending = 0;
    new ResizeObserver(() => {
      cancelAnimationFrame(pending);
      pending = requestAnimationFrame(() => this.refit());
    }).observe(this.screen);
    addEventListener("online", () => this.wanted && this.reconnectNow());
    // Signed out on this page (My lab): the next person at this computer finds no shell.
    addEventListener("kubelab-signed-out", () => this.forget());
    addEventListener("resize", () => this.applyLayout());

    const saved = remembered();
    this.layout = saved.layout === "beside" ? "beside" : "below";
    this.size = Number(saved.size) || 0;
    this.applyLayout();
    // For the tests: they read the screen and the scrollback through it.
    window.kubelabTerminal = this;
  }

  // --- showing and hiding ------------------------------------------------------------------

  show(focus = true) {
    this.el.hidden = false;
    document.body.classList.add("term-docked");
    for (const b of this.openers) b.setAttribute("aria-expanded", "true");
    remember({ open: true });
    this.applyLayout();
    this.wanted = true;
    if (!this.ws && !this.timer && !this.connecting) this.connect();
    if (focus) this.term.focus();
  }

  // Closes the dock and wipes its screen and scrollback.
  forget() {
    this.hide();
    this.queue = [];
    this.disarm();
    this.term.reset();
    this.setStatus("");
  }

  hide() {
    this.wanted = false;
    this.stopTimer();
    this.drop();
    this.el.hidden = true;
    document.body.classList.remove("term-docked", "term-below", "term-beside");
    for (const b of this.openers) b.setAttribute("aria-expanded", "false");
    remember({ open: false });
    this.openers[0]?.focus();
  }

  // Below the text, or beside it where the window is wide enough for both.
  effectiveLayout() {
    return this.layout === "beside" && innerWidth >= 900 ? "beside" : "below";
  }

  setLayout(layout) {
    this.layout = layout;
    this.size = 0;
    remember({ layout, size: 0 });
    this.applyLayout();
    this.term.focus();
  }

  applyLayout() {
    const layout = this.effectiveLayout();
    const span = layout === "beside" ? innerWidth : innerHeight;
    const fallback = layout === "beside" ? Math.round(span * 0.42) : Math.round(span * 0.4);
    const size = Math.max(MIN_SIZE, Math.min(this.size || fallback, Math.round(span * 0.85)));
    this.el.dataset.layout = layout;
    document.documentElement.style.setProperty("--term-size", `${size}px`);
    if (!this.el.hidden) {
      document.body.classList.toggle("term-below", layout === "below");
      document.body.classList.toggle("term-beside", layout === "beside");
    }
    this.layoutBtn.hidden = innerWidth < 900;
    this.layoutBtn.textContent = layout === "beside" ? this.text.below : this.text.beside;
    this.handle.setAttribute("aria-orientation", layout === "beside" ? "vertical" : "horizontal");
    this.handle.setAttribute("aria-valuenow", String(Math.round((size / span) * 100)));
  }

  // The handle between the text and the terminal: dragged, or moved with the arrow keys.
  resizable() {
    const h = this.handle;
    const setSize = (px) => {
      const beside = this.effectiveLayout() === "beside";
      const span = beside ? innerWidth : innerHeight;
      this.size = Math.max(MIN_SIZE, Math.min(Math.round(px), Math.round(span * 0.85)));
      remember({ size: this.size });
      this.applyLayout();
    };
    h.addEventListener("pointerdown", (e) => {
      e.preventDefault();
      h.setPointerCapture(e.pointerId);
      const move = (m) => setSize(this.effectiveLayout() === "beside" ? innerWidth - m.clientX : innerHeight - m.clientY);
      const up = () => {
        h.removeEventListener("pointermove", move);
        h.removeEventListener("pointerup", up);
      };
      h.addEventListener("pointermove", move);
      h.addEventListener("pointerup", up);
    });
    h.addEventListener("keydown", (e) => {
      const beside = this.effectiveLayout() === "beside";
      const grow = beside ? "ArrowLeft" : "ArrowUp";
      const shrink = beside ? "ArrowRight" : "ArrowDown";
      const now = beside ? this.el.offsetWidth : this.el.offsetHeight;
      if (e.key === grow) setSize(now + 32);
      else if (e.key === shrink) setSize(now - 32);
      else return;
      e.preventDefault();
    });
  }

  refit() {
    if (this.el.hidden) return;
    try {
      this.fit.fit();
    } catch {
      // Not laid out yet (display: none): the next resize fits it.
    }
  }

  // --- the connection ----------------------------------------------------------------------

  /** Says, for as long as it is true, that the learner's instructor keeps their commands. */
  showRecording(on) {
    if (this.recordingEl) this.recordingEl.hidden = !on;
  }

  setStatus(text, action) {
    this.statusEl.textContent = text;
    this.actionBtn.hidden = !action;
    if (action) this.actionBtn.textContent = action;
  }

  message(body) {
    return body?.error?.message?.[this.lang] || this.text.failed;
  }

  // Signs a visitor in as a new self-paced learner first (as the exercise panel's first check
  // does), and learns why not when the terminal cannot be had: a failed upgrade tells a page
  // nothing, this plain GET does.
  async preflight() {
    const ask = () => fetch("/api/me/terminal", { credentials: "same-origin" });
    let r = await ask();
    if (r.status === 401) {
      const s = await fetch("/api/session/start", {
        method: "POST",
        credentials: "same-origin",
        headers: { "content-type": "application/json" },
        body: "{}",
      });
      if (!s.ok) return this.message(await s.json().catch(() => null));
      r = await ask();
    }
    if (r.ok) return null;
    return this.message(await r.json().catch(() => null));
  }

  // Lets go of the socket: its late events are ignored (they check `this.ws`).
  drop() {
    const ws = this.ws;
    this.ws = null;
    this.ready = false;
    if (ws && ws.readyState <= WebSocket.OPEN) ws.close(1000);
  }

  // One connection at a time: `connecting` covers the preflight, `this.ws` the socket.
  async connect() {
    if (this.connecting || this.ws) return;
    this.connecting = true;
    this.stopTimer();
    this.setStatus(this.reconnecting ? this.text.reconnecting : this.text.connecting);
    let refusal;
    try {
      refusal = await this.preflight();
    } catch {
      this.connecting = false;
      return this.retryLater();
    }
    this.connecting = false;
    if (!this.wanted || this.ws) return;
    if (refusal) return this.setStatus(refusal, this.text.retry);
    const url = `${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/api/me/terminal`;
    const ws = new WebSocket(url);
    ws.binaryType = "arraybuffer";
    this.ws = ws;
    let refused = null;
    let ready = false;
    ws.onmessage = (ev) => {
      if (this.ws !== ws) return;
      if (typeof ev.data !== "string") {
        // A command waiting for "Run in terminal" goes in once the shell's prompt is up (bash
        // turns bracketed paste on there: a multi-line command then lands whole, unrun).
        this.term.write(new Uint8Array(ev.data), () => this.flushQueue());
        return;
      }
      let msg;
      try {
        msg = JSON.parse(ev.data);
      } catch {
        return;
      }
      if (msg.error) refused = msg;
      else if (msg.status === "starting") this.setStatus(this.text.starting);
      else if (msg.status === "ready" && ready) this.showRecording(msg.recording);
      else if (msg.status === "ready") {
        ready = true;
        this.showRecording(msg.recording);
        // The server replays the session's scrollback and screen: start from a clean slate.
        if (this.attached) this.term.reset();
        this.attached = true;
        this.reconnecting = false;
        this.attempt = 0;
        this.setStatus(this.text.connected);
        this.refit();
        this.control({ resize: { cols: this.term.cols, rows: this.term.rows } });
        this.ready = true;
      }
    };
    ws.onclose = (ev) => {
      if (this.ws !== ws) return;
      this.ws = null;
      this.ready = false;
      if (!this.wanted) return this.setStatus(this.text.closed);
      if (ev.code === CLOSE_REFUSED || refused) {
        // Closed for this learner (signed out, reset, archived): the screen goes with it, and
        // the next page does not open a terminal on its own.
        if (refused?.error?.code === "terminal-closed") {
          this.term.reset();
          remember({ open: false });
        }
        this.reconnecting = false;
        return this.setStatus(this.message(refused), this.text.retry);
      }
      this.reconnecting = true;
      // The shell ended (`exit`): a new one only when the learner asks.
      if (ready && ev.code === 1000) return this.setStatus(this.text.ended, this.text.newShell);
      this.retryLater();
    };
  }

  flushQueue() {
    if (!this.ready || !this.queue.length || !this.term.modes.bracketedPasteMode) return;
    for (const text of this.queue.splice(0)) this.term.paste(text);
  }

  retryLater() {
    if (!this.wanted) return;
    this.reconnecting = true;
    const seconds = Math.min(10, 2 ** this.attempt) * (0.75 + Math.random() / 2);
    this.attempt += 1;
    this.setStatus(this.text.lost.replace("{s}", String(Math.ceil(seconds))), this.text.reconnectNow);
    this.timer = setTimeout(() => {
      this.timer = 0;
      this.connect();
    }, seconds * 1000);
  }

  stopTimer() {
    clearTimeout(this.timer);
    this.timer = 0;
  }

  reconnectNow() {
    this.wanted = true;
    this.attempt = 0;
    this.stopTimer();
    this.connect();
    this.term.focus();
  }

  control(msg) {
    if (this.ws?.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify(msg));
  }

  send(text) {
    const bytes = encoder.encode(text);
    if (bytes.length > MAX_PASTE) {
      this.flash(this.text.pasteTooLarge);
      return;
    }
    this.sendBytes(bytes);
  }

  sendBytes(bytes) {
    if (this.ws?.readyState !== WebSocket.OPEN) return;
    for (let i = 0; i < bytes.length; i += CHUNK) this.ws.send(bytes.subarray(i, i + CHUNK));
  }

  flash(text) {
    const keep = this.statusEl.textContent;
    this.setStatus(text, this.actionBtn.hidden ? null : this.actionBtn.textContent);
    setTimeout(() => this.statusEl.textContent === text && (this.statusEl.textContent = keep), 4000);
  }

  // --- keys, copy and paste ----------------------------------------------------------------

  // Returns false for the keys the page handles; xterm then leaves them to the browser.
  key(e) {
    if (e.type !== "keydown") return true;
    const k = e.key.length === 1 ? e.key.toLowerCase() : e.key;
    const plainCtrl = e.ctrlKey && !e.altKey && !e.metaKey;
    // Tab completes in the shell; Shift+Tab leaves the terminal for the page.
    if (k === "Tab" && e.shiftKey && !e.ctrlKey && !e.altKey && !e.metaKey) {
      e.preventDefault();
      this.el.querySelector(".term-bar button:not([hidden])")?.focus();
      return false;
    }
    if (plainCtrl && e.shiftKey && k === "c") {
      e.preventDefault();
      this.copy();
      return false;
    }
    // Ctrl+Shift+V, and Ctrl+V outside a Mac: the browser's paste event, which xterm sends.
    if (plainCtrl && k === "v" && (e.shiftKey || !isMac)) return false;
    // Ctrl+C copies a selection, as in Windows Terminal (the browser's own copy, which xterm
    // fills with the selection; it needs no clipboard permission); without one it interrupts.
    if (plainCtrl && !e.shiftKey && k === "c" && !isMac && this.term.hasSelection()) {
      setTimeout(() => this.term.clearSelection());
      this.flash(this.text.copied);
      return false;
    }
    return true;
  }

  async copy() {
    const text = this.term.getSelection();
    if (!text) return this.flash(this.text.nothingSelected);
    try {
      await navigator.clipboard.writeText(text);
    } catch {
      // No clipboard API (plain HTTP off localhost): the old way, within the key's gesture.
      const area = document.createElement("textarea");
      area.value = text;
      document.body.append(area);
      area.select();
      const done = document.execCommand("copy");
      area.remove();
      this.term.focus();
      if (!done) return this.flash(this.text.copyBlocked);
    }
    this.flash(this.text.copied);
  }

  async pasteFromClipboard() {
    this.term.focus();
    try {
      const text = await navigator.clipboard.readText();
      if (text) this.term.paste(text);
    } catch {
      this.flash(this.text.pasteBlocked);
    }
  }

  // Right-click copies a selection, else pastes (PuTTY, Windows Terminal); the browser's own
  // menu stays where the page may not read the clipboard.
  rightClick(e) {
    if (!navigator.clipboard?.readText) return;
    e.preventDefault();
    if (this.term.hasSelection()) {
      this.copy();
      this.term.clearSelection();
    } else {
      this.pasteFromClipboard();
    }
  }

  // --- "Run in terminal" -------------------------------------------------------------------

  // The first press types the block's commands at the prompt (a bracketed paste: a multi-line
  // command arrives whole and nothing runs); the second press on the same button sends Enter.
  // Typing anything in between disarms it: Enter is then the learner's.
  run(btn) {
    if (this.armed === btn) {
      // Not typed yet (the shell is still coming up): the press waits for that.
      if (this.ready && !this.queue.length) {
        this.disarm();
        this.send("\r");
        this.term.focus();
      }
      return;
    }
    this.disarm();
    const command = btn.dataset.run;
    this.show(true);
    this.queue.push(command);
    this.flushQueue();
    this.armed = btn;
    btn.dataset.label ??= btn.textContent;
    btn.textContent = this.text.runEnter;
    btn.classList.add("armed");
  }

  disarm() {
    const btn = this.armed;
    if (!btn) return;
    this.armed = null;
    btn.textContent = btn.dataset.label;
    btn.classList.remove("armed");
  }
}
