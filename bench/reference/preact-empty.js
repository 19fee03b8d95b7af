// The smallest useful Preact component mounted in a custom element: the other reference point.
import { h, render } from "preact";

function Empty() {
  return h("slot", null);
}

class EmptyPreact extends HTMLElement {
  connectedCallback() {
    render(h(Empty, null), this.attachShadow({ mode: "open" }));
  }
}
customElements.define("empty-preact", EmptyPreact);
