// Drawing (signature_pad) and typing (Caveat handwriting font) a signature; both give a trimmed PNG.
let padScript = null;
const pads = new WeakMap();

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

export async function initPad(canvas) {
    await loadPadScript();
    const ratio = Math.max(window.devicePixelRatio || 1, 1);
    const rect = canvas.getBoundingClientRect();
    canvas.width = Math.max(1, rect.width * ratio);
    canvas.height = Math.max(1, rect.height * ratio);
    canvas.getContext('2d').scale(ratio, ratio);
    const pad = new window.SignaturePad(canvas, { penColor: '#0d1b6e', minWidth: 0.8, maxWidth: 2.6 });
    pads.set(canvas, pad);
    canvas.dataset.ready = 'true';
    loadHandFont(); // warm up for the Type tab
}

export function clearPad(canvas) {
    const pad = pads.get(canvas);
    if (pad) pad.clear();
}

export function isPadEmpty(canvas) {
    const pad = pads.get(canvas);
    return !pad || pad.isEmpty();
}

/** The drawn signature as PNG bytes, trimmed to the ink (empty when nothing is drawn). */
export async function padPng(canvas) {
    const pad = pads.get(canvas);
    if (!pad || pad.isEmpty()) return new Uint8Array(0);
    return await toPng(trim(canvas));
}

/** The typed name rendered in the handwriting font as PNG bytes. */
export async function typedPng(text) {
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
    g.fillStyle = '#0d1b6e';
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
