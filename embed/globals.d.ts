// What build.py defines for the bundle (esbuild --define), and what the bundle adds to window.
declare const EN_STRINGS: Record<string, string | Record<string, string>>;
declare const LOCALE_INDEX: { file: string; integrity: string };

interface Window {
  billflowSettings?: Record<string, any>;
  InvoicePortal: { mount: typeof import("./mount.js").mount; element: typeof import("./element.js").InvoicePortal };
}
declare const LATER: { file: string; integrity: string };
declare const EN_LATER: Record<string, string | Record<string, string>>;
