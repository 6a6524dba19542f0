// A tiny element builder. Text from the chain or IPFS only ever becomes text nodes: no innerHTML anywhere.

/**
 * h('a.card', { href: '#/product/1', onclick }, 'text', child, [more]) -> HTMLElement.
 * `tag.class1.class2`; attributes starting with `on` are listeners; `dataset` and `style` objects merge.
 */
export function h(spec, attrs, ...children) {
  const [tag, ...classes] = spec.split('.');
  const el = document.createElement(tag || 'div');
  if (classes.length) el.className = classes.join(' ');
  if (attrs && (typeof attrs !== 'object' || attrs instanceof Node || Array.isArray(attrs))) {
    children.unshift(attrs);
    attrs = null;
  }
  for (const [key, value] of Object.entries(attrs ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith('on')) el.addEventListener(key.slice(2), value);
    else if (key === 'dataset') Object.assign(el.dataset, value);
    else if (key === 'class') el.className = [el.className, value].filter(Boolean).join(' ');
    else if (key === 'text') el.textContent = value;
    else if (key in el && typeof value !== 'string') el[key] = value;
    else el.setAttribute(key, value === true ? '' : String(value));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(el, child);
    else el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

export function clear(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

/** Stars as text: ★★★★☆ for 4 (aria-label carries the number). */
export function stars(rating) {
  const full = Math.round(Number(rating));
  return h('span.stars', { 'aria-label': `${rating} out of 5` }, '★'.repeat(full) + '☆'.repeat(Math.max(0, 5 - full)));
}

/** One of the page's own icons (public/icons/NAME.svg), decorative. */
export function icon(name, size = 16) {
  return h('img.icon', { src: `./icons/${name}.svg`, alt: '', width: size, height: size });
}
