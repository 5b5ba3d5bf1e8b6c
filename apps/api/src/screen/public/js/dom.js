// A tiny element builder: text always goes through textContent, never through HTML parsing.

const SVG_NS = 'http://www.w3.org/2000/svg';

export function h(tag, props = {}, ...children) {
  return build(document.createElement(tag), props, children);
}

export function s(tag, props = {}, ...children) {
  return build(document.createElementNS(SVG_NS, tag), props, children);
}

function build(element, props, children) {
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'text') element.textContent = String(value);
    else if (key === 'className') element.setAttribute('class', value);
    else if (key === 'testid') element.dataset.testid = value;
    else element.setAttribute(key, value === true ? '' : String(value));
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return element;
}

/** Sets text only when it changed, so unchanged figures are not repainted. */
export function setText(element, text) {
  const value = String(text);
  if (element.textContent !== value) element.textContent = value;
}

/** A bar's fill, 0..1, through a CSS custom property (CSSOM, allowed under a `default-src 'self'` policy). */
export function setShare(element, share) {
  const clamped = Math.max(0, Math.min(1, Number.isFinite(share) ? share : 0));
  element.style.setProperty('--share', clamped.toFixed(4));
}

/**
 * Keeps `container`'s children in the order of `items`, creating a child for a new key, reusing the existing one
 * otherwise, and removing children whose key is gone.
 */
export function reconcile(container, items, keyOf, create, update) {
  const existing = new Map();
  for (const child of [...container.children]) existing.set(child.dataset.key, child);
  let previous = null;
  for (const item of items) {
    const key = keyOf(item);
    let child = existing.get(key);
    if (child) existing.delete(key);
    else {
      child = create(item);
      child.dataset.key = key;
    }
    update(child, item);
    const expectedNext = previous ? previous.nextElementSibling : container.firstElementChild;
    if (expectedNext !== child) container.insertBefore(child, expectedNext);
    previous = child;
  }
  for (const child of existing.values()) child.remove();
}
