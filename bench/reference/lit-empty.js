// The smallest useful Lit component: the reference point for the embed's weight.
import { LitElement, html, css } from "lit";

class EmptyLit extends LitElement {
  static styles = css`:host { display: block; }`;
  render() {
    return html`<slot></slot>`;
  }
}
customElements.define("empty-lit", EmptyLit);
