// Drawing (signature_pad) and typing (Caveat handwriting font) a signature; both give a trimmed PNG.
let padScript = null;

function loadPadScript() {
    if (!padScript) {
        padScript = new Promise((resolve, reject) => {
            if (window.SignaturePad) return resolve();
            const s = document.createElement('script');
            s.src = new URL('lib/signature_pad/signature_pad.umd.min.js', document.baseURI).href;
            s.onload = () => resolve();
            s.onerror = () => reject(new Error('signature_pad did not load'));
            document.head.appendChild(s);
        });
    }
    return padScript;
}

let handFont = null;
function loadHandFont() {
    if (!handFont) {
        const face = new FontFace('ESignHand', `url(${new URL('lib/fonts/Caveat-Regular.ttf', document.baseURI).href})`);
        handFont = face.load().then(f => { document.fonts.add(f); });
    }
    return handFont;
}

// The pad is sized from its FINAL layout, never from getBoundingClientRect: the dialog opens with a scale()
// animation, and a box measured mid-animation gave a backing store smaller than the canvas as laid out (ink offset
// and magnified, the right and bottom cut off — and sealed so). Layout sizes ignore transforms; a ResizeObserver
// keeps the backing store at CSS size × devicePixelRatio whenever the layout or the ratio changes (the drawing is
// kept), and pointer positions are mapped through whatever transform is in effect, so a stroke begun while the
// dialog is still zooming lands under the pointer too. The stored image is rendered again from the strokes
// themselves (see padPng), so it never depends on the on-screen canvas's resolution.
// The ink is the request's signature_color (Signing/Ink.cs), passed in by the dialog; black when none is given.
// throttle 0: signature_pad's default (16 ms) defers a pointer move to a timer, which is not cancelled when the stroke
// ends. On a busy page the pen lifted and set down again are handled before that timer runs, and the previous stroke's
// last position was then added to the new stroke: a line from where it began to where the old one ended, stored so.
// Every move is taken as it comes instead (points closer than minDistance are still skipped).
const PEN = { penColor: '#000000', minWidth: 0.8, maxWidth: 2.6, throttle: 0 };
const penOf = ink => ({ ...PEN, penColor: ink || PEN.penColor });
const states = new WeakMap();

/** The canvas's laid-out size in CSS pixels (unaffected by transforms); null while it is not rendered. */
function layoutSize(canvas) {
    if (!canvas.isConnected || canvas.getClientRects().length === 0) return null;
    const cs = getComputedStyle(canvas);
    const w = parseFloat(cs.width), h = parseFloat(cs.height);
    return w >= 1 && h >= 1 ? { w, h } : null;
}

/** Backing store = layout size × devicePixelRatio, the context scaled to draw in CSS pixels; the drawing is kept. */
function fit(canvas, state) {
    // Not in the middle of a stroke: redrawing the pad (clear + fromData) forgets the pointer being followed, and the
    // pad ignored the rest of that stroke and every later one. Done when the stroke ends instead.
    if (state.drawing) { state.refit = true; return; }
    const size = layoutSize(canvas);
    if (!size) return; // hidden (another tab) or gone: keep what there is
    const ratio = Math.max(window.devicePixelRatio || 1, 1);
    const bw = Math.max(1, Math.round(size.w * ratio));
    const bh = Math.max(1, Math.round(size.h * ratio));
    const old = state.size;
    state.size = size;
    if (old && old.w === size.w && old.h === size.h && canvas.width === bw && canvas.height === bh) return;
    let data = state.pad ? state.pad.toData() : [];
    if (old && data.length) {
        // A narrower pad (a phone turned, a window resized) shrinks the drawing with it, so all of it stays visible.
        const k = Math.min(1, size.w / old.w, size.h / old.h);
        if (k < 1) data = data.map(g => ({ ...g, points: g.points.map(p => ({ ...p, x: p.x * k, y: p.y * k })) }));
    }
    canvas.width = bw;
    canvas.height = bh;
    canvas.getContext('2d').setTransform(bw / size.w, 0, 0, bh / size.h, 0, 0);
    if (state.pad) {
        state.pad.clear();
        if (data.length) state.pad.fromData(data);
    }
}

/** Resolves when no animation or transition runs on the canvas or any element around it (the dialog's opening). */
async function animationsSettled(canvas) {
    for (let round = 0; round < 10; round++) {
        const running = document.getAnimations().filter(a =>
            a.playState === 'running' && a.effect?.target instanceof Element && a.effect.target.contains(canvas) &&
            a.effect.getComputedTiming().endTime !== Infinity);
        if (running.length === 0) return;
        await Promise.allSettled(running.map(a => a.finished));
    }
}

export async function initPad(canvas, ink) {
    await loadPadScript();
    if (states.has(canvas)) return;
    const state = { pad: null, size: null, observer: null, ratioQuery: null, pen: penOf(ink), drawing: false, refit: false };
    states.set(canvas, state);
    fit(canvas, state);
    const pad = new window.SignaturePad(canvas, state.pen);
    canvas.dataset.ink = state.pen.penColor;
    // signature_pad takes (pointer − getBoundingClientRect()) as the position, which is scaled by any transform
    // (the dialog's opening zoom); map it back into the canvas's own CSS pixels.
    const createPoint = pad._createPoint.bind(pad);
    pad._createPoint = (x, y, pressure) => {
        const r = canvas.getBoundingClientRect();
        const size = state.size;
        const sx = size && r.width > 0 ? size.w / r.width : 1, sy = size && r.height > 0 ? size.h / r.height : 1;
        return createPoint(r.left + (x - r.left) * sx, r.top + (y - r.top) * sy, pressure);
    };
    // signature_pad draws the curve into a point only when the next point arrives, so a stroke's last stretch (up to
    // where the pointer was released) was never drawn. Repeating the last point draws it, on screen and in the export.
    pad.addEventListener('beginStroke', () => { state.drawing = true; });
    pad.addEventListener('endStroke', () => {
        state.drawing = false;
        const group = pad.toData().at(-1);
        const last = group?.points.at(-1);
        if (last && group.points.length >= 2) {
            group.points.push({ ...last, time: last.time + 1 });
            pad.redraw();
        }
        if (state.refit) { state.refit = false; fit(canvas, state); }
    });
    state.pad = pad;
    // Layout changes; and the ratio itself (browser zoom, a window moved to another screen). Not the observer's
    // device-pixel-content-box: Chromium reports it scaled by the opening animation's transform.
    state.observer = new ResizeObserver(() => fit(canvas, state));
    state.observer.observe(canvas);
    const watchRatio = () => {
        if (!states.has(canvas)) return;
        state.ratioQuery = matchMedia(`(resolution: ${window.devicePixelRatio || 1}dppx)`);
        state.onRatio = () => { fit(canvas, state); watchRatio(); };
        state.ratioQuery.addEventListener('change', state.onRatio, { once: true });
    };
    watchRatio();
    canvas.dataset.ready = 'true';
    loadHandFont(); // warm up for the Type tab
    animationsSettled(canvas).then(() => fit(canvas, state));
}

export function disposePad(canvas) {
    const state = states.get(canvas);
    if (!state) return;
    state.observer?.disconnect();
    state.ratioQuery?.removeEventListener('change', state.onRatio); // else it keeps the canvas and its strokes alive
    state.pad?.off();
    states.delete(canvas);
}

export function clearPad(canvas) {
    states.get(canvas)?.pad?.clear();
}

export function isPadEmpty(canvas) {
    const pad = states.get(canvas)?.pad;
    return !pad || pad.toData().length === 0;
}

/**
 * The drawn signature as PNG bytes, trimmed to the ink (empty when nothing is drawn): the strokes drawn again on a
 * canvas the size of the pad at 2 (or the device's ratio, up to 4) pixels per CSS pixel, so the image is what the
 * signer saw in the pad — all of it, at a resolution that does not depend on when or where the pad was measured.
 */
export async function padPng(canvas) {
    const state = states.get(canvas);
    const data = state?.pad?.toData() ?? [];
    if (data.length === 0 || !state.size) return new Uint8Array(0);
    return await toPng(trim(render(data, state.size, state.pen)));
}

function render(data, size, pen) {
    const ratio = Math.min(4, Math.max(2, window.devicePixelRatio || 1),
        3900 / size.w, 3900 / size.h, Math.sqrt(3.9e6 / (size.w * size.h))); // within SignatureImage's limits
    const out = document.createElement('canvas');
    out.width = Math.max(1, Math.round(size.w * ratio));
    out.height = Math.max(1, Math.round(size.h * ratio));
    out.getContext('2d').setTransform(out.width / size.w, 0, 0, out.height / size.h, 0, 0);
    const pad = new window.SignaturePad(out, pen);
    pad.off();
    pad.fromData(data);
    return out;
}

/** The typed name rendered in the handwriting font, in the request's ink, as PNG bytes. */
export async function typedPng(text, ink) {
    await loadHandFont();
    const size = 96;
    const probe = document.createElement('canvas').getContext('2d');
    const font = `${size}px ESignHand, cursive`;
    probe.font = font;
    const width = Math.ceil(probe.measureText(text).width) + 40;
    const canvas = document.createElement('canvas');
    canvas.width = Math.min(Math.max(width, 80), 3800);
    canvas.height = Math.round(size * 1.6);
    const g = canvas.getContext('2d');
    g.font = font;
    g.fillStyle = penOf(ink).penColor;
    g.textBaseline = 'middle';
    g.fillText(text, 20, canvas.height / 2);
    return await toPng(trim(canvas));
}

function trim(canvas) {
    const g = canvas.getContext('2d');
    const { width, height } = canvas;
    const data = g.getImageData(0, 0, width, height).data;
    let x0 = width, y0 = height, x1 = -1, y1 = -1;
    for (let y = 0; y < height; y++) {
        for (let x = 0; x < width; x++) {
            if (data[(y * width + x) * 4 + 3] > 8) {
                if (x < x0) x0 = x; if (x > x1) x1 = x;
                if (y < y0) y0 = y; if (y > y1) y1 = y;
            }
        }
    }
    if (x1 < 0) return canvas;
    const pad = 6;
    x0 = Math.max(0, x0 - pad); y0 = Math.max(0, y0 - pad);
    x1 = Math.min(width - 1, x1 + pad); y1 = Math.min(height - 1, y1 + pad);
    const out = document.createElement('canvas');
    out.width = x1 - x0 + 1;
    out.height = y1 - y0 + 1;
    out.getContext('2d').drawImage(canvas, x0, y0, out.width, out.height, 0, 0, out.width, out.height);
    return out;
}

function toPng(canvas) {
    return new Promise(resolve => canvas.toBlob(async blob => resolve(new Uint8Array(await blob.arrayBuffer())), 'image/png'));
}

// The text an input holds right now (the server's bound copy can lag a fast typist by a keystroke).
export function inputValue(id) {
    const el = document.getElementById(id);
    return el ? el.value : null;
}
