// The signer's page (SigningView.razor): fitting pages to the screen, guiding to a field. (The browser's language and
// UTC offset come from the shared wwwroot/js/browser-locale.js, through the BrowserLocale service.)

/** Width available to an element (for fitting pages to a phone screen). */
export function widthOf(selector) {
    const el = document.querySelector(selector);
    return el ? el.clientWidth : window.innerWidth;
}

/**
 * Brings a field to the middle of the screen, gives it keyboard focus (Enter or Space opens it) and pulses its ring
 * a few times so the eye finds it (not when the person asked for reduced motion). With `unlessFocused` (the guide
 * right after the page loads) nothing moves when the person has already focused something themselves.
 */
export function focusField(id, unlessFocused) {
    const el = document.querySelector(`.sign-field[data-field-id="${id}"]`);
    if (!el) return false;
    const own = document.activeElement;
    if (unlessFocused && own && own !== document.body && own !== document.documentElement) return false;
    const still = window.matchMedia('(prefers-reduced-motion: reduce)').matches;
    el.scrollIntoView({ behavior: still ? 'auto' : 'smooth', block: 'center', inline: 'nearest' });
    el.focus({ preventScroll: true });
    if (!still && el.animate) {
        el.animate([{ boxShadow: '0 0 0 0 rgba(255, 171, 0, .9)' }, { boxShadow: '0 0 0 14px rgba(255, 171, 0, 0)' }],
            { duration: 900, iterations: 3, easing: 'ease-out' });
    }
    return true;
}
