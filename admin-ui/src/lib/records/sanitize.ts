// Rich text is sanitised before it is stored or shown in the editor: scripts, event handlers
// and `javascript:` links never reach the server. DOMPurify is loaded only by the record panel.
import DOMPurify from "dompurify";

export function sanitizeHtml(html: string): string {
  return DOMPurify.sanitize(html, { USE_PROFILES: { html: true } });
}

