// Drawing on a picture in the browser for img2img's Sketch (coloured strokes baked into the picture) and Inpaint
// (a mask: white = regenerate). Canvases work at the picture's own resolution and are only scaled by CSS, so what is
// exported lines up pixel for pixel with the uploaded picture. The server asks for the result when the job is queued.
(() => {
    "use strict";

    const editors = new WeakMap(); // host element -> state

    function create(host) {
        host.innerHTML = "";
        host.classList.add("webui-canvas-host");
        const image = document.createElement("canvas");
        const strokes = document.createElement("canvas");
        image.className = "webui-canvas-image";
        strokes.className = "webui-canvas-strokes";
        host.append(image, strokes);
        const state = { host, image, strokes, mode: "sketch", size: 24, color: "#ffffff", eraser: false, drawing: false, last: null, dirty: false };
        strokes.addEventListener("pointerdown", (e) => begin(state, e));
        strokes.addEventListener("pointermove", (e) => move(state, e));
        strokes.addEventListener("pointerup", () => end(state));
        strokes.addEventListener("pointercancel", () => end(state));
        strokes.addEventListener("lostpointercapture", () => end(state));
        editors.set(host, state);
        return state;
    }

    // Pointer position in picture pixels; the brush size is given in screen pixels, as the user sees it.
    function point(state, e) {
        const r = state.strokes.getBoundingClientRect();
        const sx = state.strokes.width / r.width;
        const sy = state.strokes.height / r.height;
        return { x: (e.clientX - r.left) * sx, y: (e.clientY - r.top) * sy, scale: (sx + sy) / 2 };
    }

    function stroke(state, from, to) {
        const ctx = state.strokes.getContext("2d");
        ctx.save();
        ctx.globalCompositeOperation = state.eraser ? "destination-out" : "source-over";
        ctx.strokeStyle = state.mode === "mask" ? "#ffffff" : state.color;
        ctx.fillStyle = ctx.strokeStyle;
        ctx.lineWidth = state.size * to.scale;
        ctx.lineCap = "round";
        ctx.lineJoin = "round";
        ctx.beginPath();
        if (from.x === to.x && from.y === to.y) {
            ctx.arc(to.x, to.y, ctx.lineWidth / 2, 0, Math.PI * 2);
            ctx.fill();
        } else {
            ctx.moveTo(from.x, from.y);
            ctx.lineTo(to.x, to.y);
            ctx.stroke();
        }
        ctx.restore();
        state.dirty = true;
    }

    function begin(state, e) {
        if (e.button !== 0 || !state.loaded) return;
        e.preventDefault();
        state.strokes.setPointerCapture(e.pointerId);
        state.drawing = true;
        state.last = point(state, e);
        stroke(state, state.last, state.last);
    }

    function move(state, e) {
        if (!state.drawing) return;
        const p = point(state, e);
        stroke(state, state.last, p);
        state.last = p;
    }

    function end(state) {
        state.drawing = false;
        state.last = null;
    }

    function toBlob(canvas) {
        return new Promise((resolve, reject) => canvas.toBlob(b => b ? resolve(b) : reject(new Error("canvas export failed")), "image/png"));
    }

    window.webuiCanvas = {
        // Loads the picture into the host element; mode "sketch" or "mask". Resolves when it is drawn.
        async open(host, url, mode) {
            const state = editors.get(host) || create(host);
            state.mode = mode;
            state.loaded = false;
            host.dataset.loaded = "false";
            state.host.classList.toggle("webui-canvas-mask", mode === "mask");
            const img = new Image();
            img.decoding = "async";
            img.src = url;
            await img.decode();
            for (const c of [state.image, state.strokes]) {
                c.width = img.naturalWidth;
                c.height = img.naturalHeight;
            }
            state.image.getContext("2d").drawImage(img, 0, 0);
            state.dirty = false;
            state.loaded = true;
            host.dataset.loaded = "true"; // lets tests (and styles) know the picture is ready to draw on
        },
        setBrush(host, size, color, eraser) {
            const state = editors.get(host);
            if (!state) return;
            state.size = Math.max(1, size);
            state.color = color || "#ffffff";
            state.eraser = !!eraser;
        },
        clear(host) {
            const state = editors.get(host);
            if (!state) return;
            state.strokes.getContext("2d").clearRect(0, 0, state.strokes.width, state.strokes.height);
            state.dirty = false;
        },
        // Mask mode: what was masked becomes unmasked and the other way round.
        invert(host) {
            const state = editors.get(host);
            if (!state) return;
            const ctx = state.strokes.getContext("2d");
            const data = ctx.getImageData(0, 0, state.strokes.width, state.strokes.height);
            const px = data.data;
            for (let i = 0; i < px.length; i += 4) {
                px[i] = px[i + 1] = px[i + 2] = 255;
                px[i + 3] = 255 - px[i + 3];
            }
            ctx.putImageData(data, 0, 0);
            state.dirty = true;
        },
        hasStrokes(host) {
            const state = editors.get(host);
            return !!state && state.dirty;
        },
        // "composite": the picture with the strokes painted in (Sketch). "mask": white where painted, black elsewhere.
        async exportPng(host, kind) {
            const state = editors.get(host);
            if (!state || !state.loaded) return new Uint8Array(0);
            const out = document.createElement("canvas");
            out.width = state.image.width;
            out.height = state.image.height;
            const ctx = out.getContext("2d");
            if (kind === "mask") {
                ctx.fillStyle = "#000000";
                ctx.fillRect(0, 0, out.width, out.height);
                ctx.drawImage(state.strokes, 0, 0);
            } else {
                ctx.drawImage(state.image, 0, 0);
                ctx.drawImage(state.strokes, 0, 0);
            }
            return new Uint8Array(await (await toBlob(out)).arrayBuffer());
        },
    };
})();
