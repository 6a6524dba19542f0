// What the user is typing outlives a re-render. The router swaps a view's whole DOM for a new one each time
// it re-reads the chain (a transaction confirmed, the wallet changed); a field the user edited, and the
// focus and caret, move over to the same field of the new DOM. Fields nobody touched show the new data.

const FIELDS = 'input, textarea, select';
const edited = new WeakSet(); // fields the user changed: a view setting .value fires no input event

/** Remember which fields under `root` the user edits. */
export function trackEdits(root) {
  root.addEventListener('input', (event) => edited.add(event.target), true);
  root.addEventListener('change', (event) => edited.add(event.target), true);
}

/**
 * A field's stable name across renders: its own name (or accessible label) inside the keyed items around
 * it (`data-product`, `data-order`), e.g. "product=2/New price". Null for a field without either.
 */
function fieldKey(field, root) {
  const own = field.name || field.getAttribute('aria-label');
  if (!own) return null;
  const parts = [own];
  for (let node = field.parentElement; node && node !== root; node = node.parentElement) {
    if (node.dataset.order) parts.unshift(`order=${node.dataset.order}`);
    else if (node.dataset.product) parts.unshift(`product=${node.dataset.product}`);
  }
  return parts.join('/');
}

function fieldsByKey(root) {
  const byKey = new Map();
  for (const field of root.querySelectorAll(FIELDS)) {
    const key = fieldKey(field, root);
    // Two fields with one name: neither can be told apart, so neither is carried over.
    if (key) byKey.set(key, byKey.has(key) ? null : field);
  }
  return byKey;
}

/** Run `swap` (which replaces the children of `root`), carrying the user's edits, focus and caret over. */
export function swapKeepingEdits(root, swap) {
  const before = fieldsByKey(root);
  const focused = root.contains(document.activeElement) ? document.activeElement : null;
  swap();
  for (const [key, field] of fieldsByKey(root)) {
    const old = before.get(key);
    if (!old || !field || old.type !== field.type) continue;
    if (edited.has(old)) {
      if (old.type === 'checkbox' || old.type === 'radio') field.checked = old.checked;
      else field.value = old.value;
      // The view's own listeners recompute what depends on the field (a total, a warning).
      field.dispatchEvent(new Event('input', { bubbles: true }));
    }
    if (old === focused) {
      field.focus({ preventScroll: true });
      restoreCaret(old, field);
    }
  }
}

function restoreCaret(old, field) {
  // Only text-like fields have a caret (selectionStart is null on a number field).
  if (old.selectionStart === null || old.selectionStart === undefined) return;
  try {
    field.setSelectionRange(old.selectionStart, old.selectionEnd, old.selectionDirection ?? 'none');
  } catch {
    /* a field type without a selection */
  }
}
