// The KVM viewer webview (client/src/redirection/kvmViewer.ts hosts it). The protocol and the
// pixels are the engine's (dist/kvm-viewer-engine.js: global AmtKvm, the backend's own decoder
// bundled for the browser); this file is the DOM: canvas, keys, mouse, buttons, state line.
// The websocket URL comes from the extension, one per connection; no password ever reaches here.
// e2e hooks: body[data-state] (idle, connecting, logging-on, connected, reconnecting, consent,
// error), #state (the sentence), canvas#screen at the host's resolution.
(function () {
  'use strict';
  const vscode = acquireVsCodeApi();
  const canvas = document.getElementById('screen');
  const ctx2d = canvas.getContext('2d', { willReadFrequently: true });
  const stateLine = document.getElementById('state');
  const formatSel = document.getElementById('format');
  const encodingSel = document.getElementById('encoding');
  const fit = document.getElementById('fit');
  const saved = vscode.getState() || {};
  if (saved.format) formatSel.value = saved.format;
  if (saved.encoding) encodingSel.value = saved.encoding;

  let ws;
  let session;
  let image;
  let connected = false;
  let userClosed = false;

  function show(state, text) {
    document.body.dataset.state = state;
    stateLine.textContent = text;
  }

  function applyFit() {
    canvas.classList.toggle('fit', fit.checked);
  }
  fit.addEventListener('change', applyFit);
  applyFit();

  function disconnect() {
    if (ws) {
      userClosed = true;
      ws.close();
    }
  }

  function connect(url, label) {
    if (ws) {
      userClosed = true;
      ws.close();
    }
    userClosed = false;
    connected = false;
    const format = formatSel.value;
    const encoding = encodingSel.value;
    vscode.setState({ format, encoding });
    const socket = new WebSocket(url);
    socket.binaryType = 'arraybuffer';
    ws = socket;
    const s = new AmtKvm.KvmViewerSession((bytes) => socket.readyState === 1 && socket.send(bytes), { format, encoding, label });
    session = s;
    s.onResize = (w, h) => {
      canvas.width = w;
      canvas.height = h;
      image = ctx2d.createImageData(w, h);
    };
    s.onUpdate = (x, y, w, h) => {
      if (!image || image.data.length !== s.rgba.length) image = ctx2d.createImageData(s.width, s.height);
      image.data.set(s.rgba);
      ctx2d.putImageData(image, 0, 0, x, y, w, h);
    };
    s.onState = (state, detail) => {
      if (socket !== ws) return;
      if (state === 'connecting') show('connecting', `Connecting to ${label}…`);
      else if (state === 'logging-on') show('logging-on', `Logging on to ${label} (the backend adds the password)…`);
      else if (state === 'connected') {
        connected = true;
        show('connected', `Connected to ${label}: ${detail}.`);
        vscode.postMessage({ type: 'connected' });
        canvas.focus();
      }
    };
    socket.onopen = () => {
      // A protocol failure leaves the socket open: close it, onclose reports the engine's sentence.
      s.run().catch(() => socket.close());
    };
    socket.onmessage = (e) => s.push(new Uint8Array(e.data));
    socket.onclose = (e) => {
      s.end(e.reason || undefined);
      if (socket !== ws) return;
      ws = undefined;
      if (userClosed) return;
      const reason = (s.state === 'closed' && lastError(s)) || e.reason || (connected ? `${label} ended the KVM session` : `The KVM connection to ${label} closed before the session started`);
      show('reconnecting', reason);
      vscode.postMessage({ type: 'closed', connected, reason });
    };
  }

  /** The engine's failure sentence, if it ended with one. */
  function lastError(s) {
    return s.failure;
  }

  // ---- keyboard: KeyboardEvent → X11 keysym (spec redirection.md §5.6) ----
  const SPECIAL = {
    Backspace: 0xff08, Tab: 0xff09, Enter: 0xff0d, Escape: 0xff1b, Delete: 0xffff, Insert: 0xff63,
    Home: 0xff50, End: 0xff57, PageUp: 0xff55, PageDown: 0xff56,
    ArrowLeft: 0xff51, ArrowUp: 0xff52, ArrowRight: 0xff53, ArrowDown: 0xff54,
    CapsLock: 0xffe5, NumLock: 0xff7f, ScrollLock: 0xff14, Pause: 0xff13, PrintScreen: 0xff61, ContextMenu: 0xff67,
  };
  const BY_CODE = {
    ShiftLeft: 0xffe1, ShiftRight: 0xffe2, ControlLeft: 0xffe3, ControlRight: 0xffe4,
    AltLeft: 0xffe9, AltRight: 0xffea, MetaLeft: 0xffeb, MetaRight: 0xffec,
    NumpadEnter: 0xff8d,
  };
  function keysymOf(e) {
    if (BY_CODE[e.code] !== undefined) return BY_CODE[e.code];
    if (SPECIAL[e.key] !== undefined) return SPECIAL[e.key];
    const f = /^F([1-9]|1[0-2])$/.exec(e.key);
    if (f) return 0xffbe + Number(f[1]) - 1;
    if (e.key.length === 1) {
      const c = e.key.codePointAt(0);
      if ((c >= 0x20 && c <= 0x7e) || (c >= 0xa0 && c <= 0xff)) return c;
      if (c > 0xff && c < 0x110000) return 0x01000000 + c; // X11's Unicode keysyms
    }
    return undefined;
  }
  const down = new Map();
  function onKey(e, isDown) {
    if (!session || !connected) return;
    const sym = isDown ? keysymOf(e) : down.get(e.code) ?? keysymOf(e);
    if (sym === undefined) return;
    e.preventDefault();
    e.stopPropagation();
    if (isDown) down.set(e.code, sym);
    else down.delete(e.code);
    session.key(sym, isDown);
  }
  canvas.addEventListener('keydown', (e) => onKey(e, true));
  canvas.addEventListener('keyup', (e) => onKey(e, false));
  canvas.addEventListener('blur', () => {
    // Release what is held, so the host does not see a stuck key.
    for (const sym of down.values()) session?.key(sym, false);
    down.clear();
  });

  // ---- mouse: pointer events → RFB PointerEvent ----
  let mask = 0;
  function hostXY(e) {
    const r = canvas.getBoundingClientRect();
    return [((e.clientX - r.left) * canvas.width) / r.width, ((e.clientY - r.top) * canvas.height) / r.height];
  }
  function buttons(b) {
    // PointerEvent.buttons: 1 left, 2 right, 4 middle; RFB: bit 0 left, 1 middle, 2 right.
    return (b & 1) | (b & 4 ? 2 : 0) | (b & 2 ? 4 : 0);
  }
  function onPointer(e) {
    if (!session || !connected) return;
    mask = buttons(e.buttons);
    const [x, y] = hostXY(e);
    session.pointer(mask, x, y);
  }
  canvas.addEventListener('pointermove', onPointer);
  canvas.addEventListener('pointerdown', (e) => {
    canvas.focus();
    canvas.setPointerCapture(e.pointerId);
    onPointer(e);
    e.preventDefault();
  });
  canvas.addEventListener('pointerup', onPointer);
  canvas.addEventListener('contextmenu', (e) => e.preventDefault());
  canvas.addEventListener('wheel', (e) => {
    if (!session || !connected) return;
    e.preventDefault();
    const [x, y] = hostXY(e);
    const bit = e.deltaY < 0 ? 8 : 16;
    session.pointer(mask | bit, x, y);
    session.pointer(mask, x, y);
  }, { passive: false });

  // ---- buttons ----
  document.getElementById('cad').addEventListener('click', () => {
    session?.ctrlAltDel();
    canvas.focus();
  });
  document.getElementById('reconnect').addEventListener('click', () => {
    disconnect();
    show('connecting', 'Reconnecting…');
    vscode.postMessage({ type: 'connect', manual: true });
  });
  formatSel.addEventListener('change', () => document.getElementById('reconnect').click());
  encodingSel.addEventListener('change', () => document.getElementById('reconnect').click());
  document.getElementById('shot').addEventListener('click', () => {
    canvas.toBlob((blob) => {
      if (!blob) return;
      blob.arrayBuffer().then((buf) => {
        const bytes = new Uint8Array(buf);
        let bin = '';
        for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
        vscode.postMessage({ type: 'screenshot', png: btoa(bin), width: canvas.width, height: canvas.height });
      });
    }, 'image/png');
  });

  window.addEventListener('message', (e) => {
    const m = e.data;
    if (m.type === 'url') connect(m.url, m.label);
    else if (m.type === 'status') {
      show(m.state, m.text);
      document.body.dataset.lastStatus = m.text;
    } else if (m.type === 'saved') document.body.dataset.saved = m.path;
  });

  show('connecting', 'Asking the backend for a KVM connection…');
  vscode.postMessage({ type: 'ready' });
})();
