// PDF.js rendering and pointer-speed field editing for PdfViewer.razor.
// Blazor renders the page boxes (sized from the page geometry) and the field boxes (positioned in % of the page);
// this module paints pages lazily into their canvases and turns drags into one call to .NET per gesture, with
// rectangles as fractions of the displayed page (the component converts them to PDF points).

let pdfjsPromise = null;

// The page's import map (Blazor's, from the static assets) maps lib/pdfjs/*.mjs to their fingerprinted, immutable URLs;
// import() follows it by itself, the worker's URL is resolved through it here (a Worker does not consult the map).
function resolveAsset(url) {
    try { return import.meta.resolve(url); } catch { return url; }
}

function loadPdfJs(libBase) {
    if (!pdfjsPromise) {
        pdfjsPromise = import(libBase + 'pdf.min.mjs').then(lib => {
            lib.GlobalWorkerOptions.workerSrc = resolveAsset(libBase + 'pdf.worker.min.mjs');
            return lib;
        });
    }
    return pdfjsPromise;
}

// One PDF.js worker for the page, shared by its viewers (a viewer's own loading task never destroys it).
let workerPromise = null;
// A document opened before its viewer asked for it: { url, task } (taken once, by the viewer of that URL).
let warmDocument = null;

/**
 * Fetches, compiles and boots PDF.js and its worker — and, given the document's URL, starts reading it (its tail and
 * first page, by range) — before a viewer asks. Pages that show a PDF as soon as their circuit is up (the signer's
 * page) load this module with a plain module script while the circuit starts (the `esign-pdf-warmup` meta element
 * below: PdfWarmUp.razor), so neither waits for the other. Safe to call more than once.
 */
export function warmUp(libPath, documentUrl) {
    const libBase = new URL(libPath, document.baseURI).href;
    if (!workerPromise) {
        workerPromise = loadPdfJs(libBase)
            .then(lib => { const worker = new lib.PDFWorker(); return worker.promise.then(() => worker); })
            .catch(() => null); // the viewer then starts its own worker and reports any real failure itself
    }
    if (documentUrl && !warmDocument) {
        const url = new URL(documentUrl, document.baseURI).href;
        const task = Promise.all([loadPdfJs(libBase), workerPromise])
            .then(([lib, worker]) => lib.getDocument(documentOptions(libBase, url, null, worker)));
        warmDocument = { url, task };
        task.then(t => t.promise).catch(() => { }); // a failure is the viewer's to report (it opens the file again)
    }
    return workerPromise;
}

/** The loading task of a document warmed up for this URL, once; null if there is none. */
function takeWarmDocument(url) {
    if (!warmDocument || warmDocument.url !== url) return null;
    const task = warmDocument.task;
    warmDocument = null;
    return task;
}

// Large documents are read by HTTP Range requests (the PDF endpoints answer 206): PDF.js reads the cross-reference
// table at the end, then only the chunks the pages on screen need. No streaming of the whole file and no background
// fetch of the rest, so the first page never waits for a 300-page file, and a signer who reads page 1 downloads
// little more. Files up to two chunks are read in one request. 256 KiB chunks keep the number of requests (which
// count against the per-IP limit on token URLs) low.
const RANGE_CHUNK_SIZE = 256 * 1024;

/** Marks, once per page load, when the first page's canvas is on screen (read by bench/signer-page). */
function markFirstPage(root) {
    if (root.dataset.firstPage === 'painted') return;
    root.dataset.firstPage = 'painted';
    try { performance.mark('esign-first-page-painted'); } catch { }
}

const DRAG_THRESHOLD = 4; // px before a press becomes a drag

function documentOptions(libBase, url, password, worker) {
    return {
        url,
        ...(worker && !worker.destroyed ? { worker } : {}),
        isEvalSupported: false,
        cMapUrl: libBase + 'cmaps/',
        cMapPacked: true,
        standardFontDataUrl: libBase + 'standard_fonts/',
        wasmUrl: libBase + 'wasm/',
        iccUrl: libBase + 'iccs/',
        withCredentials: true,
        disableStream: true,
        disableAutoFetch: true,
        rangeChunkSize: RANGE_CHUNK_SIZE,
        ...(password ? { password } : {}),
    };
}

export async function init(root, dotnet, url, libPath, password) {
    const viewer = new Viewer(root, dotnet);
    const libBase = new URL(libPath, document.baseURI).href;
    url = new URL(url, document.baseURI).href;
    try {
        const lib = await loadPdfJs(libBase);
        const warm = password ? null : takeWarmDocument(url);
        if (warm) {
            try {
                viewer.loadingTask = await warm;
                viewer.pdf = await viewer.loadingTask.promise;
            } catch {
                viewer.pdf = null; // opened again below, where a failure is reported
            }
        }
        if (!viewer.pdf) {
            const worker = workerPromise ? await workerPromise : null;
            viewer.loadingTask = lib.getDocument(documentOptions(libBase, url, password, worker));
            viewer.pdf = await viewer.loadingTask.promise;
        }
        viewer.observe();
        root.dataset.loaded = 'true';
    } catch (e) {
        root.dataset.loaded = 'error';
        await dotnet.invokeMethodAsync('OnLoadError', String(e && e.message || e));
    }
    return viewer;
}

class Viewer {
    constructor(root, dotnet) {
        this.root = root;
        this.dotnet = dotnet;
        this.pdf = null;
        this.visible = new Set();
        this.rendering = new Map();
        this.disposed = false;
        this.suppressClick = false;
        this.onPointerDown = this.onPointerDown.bind(this);
        this.onClickCapture = this.onClickCapture.bind(this);
        this.onKeyDown = this.onKeyDown.bind(this);
        document.addEventListener('pointerdown', this.onPointerDown);
        root.addEventListener('keydown', this.onKeyDown);
        window.addEventListener('click', this.onClickCapture, true);
    }

    // ---- rendering -------------------------------------------------------------------------------------------
    observe() {
        this.observer = new IntersectionObserver(entries => {
            for (const e of entries) {
                const n = +e.target.dataset.page;
                if (e.isIntersecting) { this.visible.add(n); this.renderPage(e.target); }
                else this.visible.delete(n);
            }
        }, { root: null, rootMargin: '600px 0px' });
        for (const el of this.pages()) this.observer.observe(el);
    }

    pages() { return this.root.querySelectorAll('.pdf-page'); }

    pageEl(n) { return this.root.querySelector(`.pdf-page[data-page="${n}"]`); }

    /** Re-renders visible pages after a zoom change (other pages render when they scroll into view). */
    rerender() {
        for (const el of this.pages()) {
            if (this.visible.has(+el.dataset.page)) this.renderPage(el);
        }
    }

    async renderPage(el) {
        if (!this.pdf || this.disposed) return;
        const n = +el.dataset.page;
        const cssWidth = el.clientWidth;
        const key = `${cssWidth}`;
        if (el.dataset.rendered === key) return;
        const previous = this.rendering.get(n);
        if (previous) { try { previous.cancel(); } catch { } }
        const page = await this.pdf.getPage(n);
        const base = page.getViewport({ scale: 1 });
        const dpr = window.devicePixelRatio || 1;
        const viewport = page.getViewport({ scale: (cssWidth / base.width) * dpr });
        const canvas = document.createElement('canvas');
        canvas.width = Math.floor(viewport.width);
        canvas.height = Math.floor(viewport.height);
        canvas.className = 'pdf-canvas';
        const task = page.render({ canvas, viewport });
        this.rendering.set(n, task);
        try {
            await task.promise;
            const old = el.querySelector('canvas.pdf-canvas');
            if (old) old.replaceWith(canvas); else el.prepend(canvas);
            el.dataset.rendered = key;
            if (n === 1) markFirstPage(this.root);
        } catch (e) {
            if (!(e && e.name === 'RenderingCancelledException')) console.warn('pdf render failed', e);
        } finally {
            if (this.rendering.get(n) === task) this.rendering.delete(n);
        }
    }

    /** Width available for pages, for "fit width". */
    availableWidth() { return this.root.clientWidth; }

    /** Arrow keys on a field move it (in .NET) instead of scrolling; Tab and every other key keep their meaning. */
    onKeyDown(e) {
        if (e.target.closest('.field-box') && e.key.startsWith('Arrow')) e.preventDefault();
    }

    // ---- pointer gestures ---------------------------------------------------------------------------------------
    onClickCapture(e) {
        if (this.suppressClick) {
            this.suppressClick = false;
            e.stopPropagation();
            e.preventDefault();
        }
    }

    onPointerDown(e) {
        if (e.button !== 0 || this.disposed) return;
        const palette = e.target.closest('[data-palette-type]');
        if (palette && !palette.disabled) return this.startNew(e, palette);
        const handle = e.target.closest('.field-resize');
        if (handle && this.root.contains(handle)) return this.startResize(e, handle.closest('.field-box'));
        const box = e.target.closest('.field-box');
        if (box && this.root.contains(box) && !e.target.closest('button')) return this.startMove(e, box);
    }

    track(e, onMove, onEnd) {
        const startX = e.clientX, startY = e.clientY;
        let dragging = false;
        const move = ev => {
            const dx = ev.clientX - startX, dy = ev.clientY - startY;
            if (!dragging && Math.hypot(dx, dy) < DRAG_THRESHOLD) return;
            dragging = true;
            ev.preventDefault();
            onMove(ev, dx, dy);
        };
        const up = ev => {
            document.removeEventListener('pointermove', move);
            document.removeEventListener('pointerup', up);
            document.removeEventListener('pointercancel', up);
            if (dragging) {
                this.suppressClick = true;
                setTimeout(() => { this.suppressClick = false; }, 0);
            }
            onEnd(ev, dragging && ev.type === 'pointerup');
        };
        document.addEventListener('pointermove', move);
        document.addEventListener('pointerup', up);
        document.addEventListener('pointercancel', up);
    }

    pageAt(x, y) {
        for (const el of this.pages()) {
            const r = el.getBoundingClientRect();
            if (x >= r.left && x <= r.right && y >= r.top && y <= r.bottom) return el;
        }
        return null;
    }

    /** Points → CSS px at the current zoom (every page shares one zoom). */
    zoom() { return +this.root.dataset.zoom || 1; }

    fractions(pageEl, left, top, width, height) {
        const r = pageEl.getBoundingClientRect();
        return [(left - r.left) / r.width, (top - r.top) / r.height, width / r.width, height / r.height];
    }

    startNew(e, palette) {
        e.preventDefault();
        const z = this.zoom();
        // The default size as it appears on screen, on every page: on a page shown turned a quarter, the stored
        // (user-space) width and height come out swapped, which is what keeps the box looking the same.
        const w = +palette.dataset.defaultW * z, h = +palette.dataset.defaultH * z;
        const ghost = document.createElement('div');
        ghost.className = 'field-ghost';
        ghost.textContent = palette.dataset.label || palette.dataset.paletteType;
        ghost.style.width = w + 'px';
        ghost.style.height = h + 'px';
        ghost.style.display = 'none';
        document.body.appendChild(ghost);
        const place = ev => {
            ghost.style.display = 'flex';
            ghost.style.left = (ev.clientX - ghost.offsetWidth / 2) + 'px';
            ghost.style.top = (ev.clientY - ghost.offsetHeight / 2) + 'px';
        };
        this.track(e, place, async (ev, dropped) => {
            const rect = ghost.getBoundingClientRect();
            ghost.remove();
            if (!dropped) return;
            const page = this.pageAt(ev.clientX, ev.clientY);
            if (!page) return;
            const [l, t, fw, fh] = this.fractions(page, rect.left, rect.top, rect.width, rect.height);
            await this.dotnet.invokeMethodAsync('OnFieldDropped', palette.dataset.paletteType, +page.dataset.page, l, t, fw, fh);
        });
    }

    startMove(e, box) {
        const original = box.getAttribute('style');
        this.track(e, (ev, dx, dy) => {
            box.classList.add('dragging');
            box.style.transform = `translate(${dx}px, ${dy}px)`;
        }, async (ev, dropped) => {
            box.classList.remove('dragging');
            if (!dropped) { box.setAttribute('style', original); return; }
            const r = box.getBoundingClientRect();
            box.style.transform = '';
            const page = this.pageAt(r.left + r.width / 2, r.top + r.height / 2) || box.closest('.pdf-page');
            const [l, t, fw, fh] = this.fractions(page, r.left, r.top, r.width, r.height);
            const result = await this.dotnet.invokeMethodAsync('OnFieldMoved', box.dataset.fieldKey, +page.dataset.page, l, t, fw, fh);
            this.applyResult(box, original, result);
        });
    }

    startResize(e, box) {
        e.preventDefault();
        e.stopPropagation();
        const original = box.getAttribute('style');
        const page = box.closest('.pdf-page');
        const pr = page.getBoundingClientRect();
        const start = box.getBoundingClientRect();
        const minW = +page.dataset.minW * pr.width, minH = +page.dataset.minH * pr.height;
        this.track(e, (ev, dx, dy) => {
            const w = Math.max(minW, Math.min(start.width + dx, pr.right - start.left));
            const h = Math.max(minH, Math.min(start.height + dy, pr.bottom - start.top));
            box.style.width = (w / pr.width * 100) + '%';
            box.style.height = (h / pr.height * 100) + '%';
        }, async (ev, dropped) => {
            if (!dropped) { box.setAttribute('style', original); return; }
            const r = box.getBoundingClientRect();
            const [l, t, fw, fh] = this.fractions(page, r.left, r.top, r.width, r.height);
            const result = await this.dotnet.invokeMethodAsync('OnFieldMoved', box.dataset.fieldKey, +page.dataset.page, l, t, fw, fh);
            this.applyResult(box, original, result);
        });
    }

    /** Shows the rectangle the server kept (it may have clamped it), or the original when it refused the move. */
    applyResult(box, original, result) {
        if (!box.isConnected) return; // re-rendered on another page already
        if (!result) { box.setAttribute('style', original); return; }
        box.style.transform = '';
        box.style.left = (result.left * 100) + '%';
        box.style.top = (result.top * 100) + '%';
        box.style.width = (result.width * 100) + '%';
        box.style.height = (result.height * 100) + '%';
    }

    dispose() {
        this.disposed = true;
        document.removeEventListener('pointerdown', this.onPointerDown);
        this.root.removeEventListener('keydown', this.onKeyDown);
        window.removeEventListener('click', this.onClickCapture, true);
        if (this.observer) this.observer.disconnect();
        if (this.loadingTask) this.loadingTask.destroy().catch(() => { });
    }
}

// A page that asked for a warm-up (PdfWarmUp.razor) loaded this module with a plain script tag: start now.
{
    const meta = document.querySelector('meta[name="esign-pdf-warmup"]');
    if (meta) warmUp(meta.content, meta.dataset.document);
}
