import '@testing-library/jest-dom/vitest';
import { cleanup, configure } from '@testing-library/react';
import { afterEach } from 'vitest';

afterEach(() => {
  cleanup();
});

// The first render loads a route chunk and the board from a real API while other suites
// share the two cores: waiting up to 10 s for what the user would see is not slowness.
configure({ asyncUtilTimeout: 10_000 });

// The router restores scroll positions; jsdom has no scrolling.
window.scrollTo = () => undefined;

// jsdom lacks what Radix menus call on open; the browser has them.
Element.prototype.scrollIntoView = function scrollIntoView() {
  // Nothing to scroll in a page without layout.
};
Element.prototype.hasPointerCapture = () => false;
Element.prototype.releasePointerCapture = () => undefined;

// jsdom has no layout: give a column's scroll area a window's height, so the virtualized
// list renders the cards a browser would show (everything else keeps jsdom's zero).
for (const [property, size] of [
  ['clientHeight', 800],
  ['clientWidth', 320],
] as const) {
  Object.defineProperty(HTMLElement.prototype, property, {
    configurable: true,
    get(this: HTMLElement) {
      return this.classList.contains('column-scroll') ? size : 0;
    },
  });
}
