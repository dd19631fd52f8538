// Tells the page that frames the signer's page what happened. Only the owner's allowed origins can frame it (CSP
// frame-ancestors), and the message is addressed to each of them, so no other origin can read it.
export function post(origins, message) {
    if (window.parent === window) return false;
    for (const origin of origins) {
        try { window.parent.postMessage(message, origin); } catch { /* an origin the browser rejects: skip it */ }
    }
    return true;
}
