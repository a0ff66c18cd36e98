// The script of every device page (client/src/pages/panel.ts): renders the HTML the extension
// sends, keeps what the user is typing across re-renders, and posts button clicks (with their
// form's fields) back. No page-specific code lives here.
(function () {
  const vscode = acquireVsCodeApi();
  const content = document.getElementById('content');
  const banner = document.getElementById('banner');

  function fieldsOf(form) {
    const fields = {};
    if (!form) return fields;
    for (const el of form.querySelectorAll('input, select, textarea')) {
      if (!el.name) continue;
      fields[el.name] = el.type === 'checkbox' ? el.checked : el.value;
    }
    return fields;
  }

  document.addEventListener('input', (e) => {
    if (e.target && e.target.id) e.target.dataset.dirty = '1';
  });

  document.addEventListener('click', (e) => {
    const button = e.target.closest('[data-action]');
    if (!button || button.disabled) return;
    e.preventDefault();
    let args;
    try {
      args = button.dataset.args ? JSON.parse(button.dataset.args) : undefined;
    } catch {
      args = undefined;
    }
    vscode.postMessage({
      type: 'action',
      action: button.dataset.action,
      args,
      fields: fieldsOf(button.closest('form')),
      confirm: button.dataset.confirm,
      label: button.textContent.trim(),
    });
  });

  window.addEventListener('message', (e) => {
    const m = e.data;
    if (m.type === 'busy') {
      document.body.dataset.busy = m.busy ? '1' : '';
      return;
    }
    if (m.type !== 'render') return;
    // Values the user changed survive the re-render (a poll must not wipe a half-filled form).
    const kept = [];
    for (const el of content.querySelectorAll('[data-dirty]')) kept.push([el.id, el.type === 'checkbox' ? el.checked : el.value]);
    const scroll = window.scrollY;
    content.innerHTML = m.html;
    for (const [id, value] of kept) {
      const el = document.getElementById(id);
      if (!el) continue;
      if (el.type === 'checkbox') el.checked = value;
      else el.value = value;
      el.dataset.dirty = '1';
    }
    window.scrollTo(0, scroll);
    if (m.banner) {
      banner.textContent = m.banner.text;
      banner.className = m.banner.tone;
    }
    document.body.dataset.busy = '';
    document.body.dataset.state = m.state;
  });

  vscode.postMessage({ type: 'ready' });
})();
