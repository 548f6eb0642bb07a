// Live previews in the browser (the "approximate in browser" method). The server sends each preview as a compact
// frame: the latent of the batch's first picture, 8 bits per value with a scale and offset per channel
// (src/WebUI/Previews/LatentFrameCodec.cs documents the layout). Here it is dequantised, mapped to RGB with the
// model's latent→RGB matrix (+ bias), and drawn on a canvas upscaled ×8 with smoothing. Frames that are JPEGs
// ("full VAE on the server") are drawn as they are.
//
//   webuiPreview.draw(canvasId, bytes, matrixJson) → Promise<{width, height, step, steps, batch, batchCount} | null>
//     bytes: Uint8Array / ArrayBuffer (Blazor JS interop, SignalR MessagePack) or a base64 string (SignalR JSON).
//     matrixJson: '{"factors":[[r,g,b],...],"bias":[r,g,b]}' (PreviewFrame.MatrixJson, hub PreviewMatrix); ignored for JPEGs.
//   webuiPreview.clear(canvasId)
//   webuiPreview.toRgba(bytes, matrixJson) → {width, height, rgba: Uint8ClampedArray, ...header} (latent resolution)
(function (global) {
    "use strict";

    const SCALE = 8;
    const matrices = new Map();   // matrixJson → parsed {factors, bias}; a job sends the same string every frame
    const surfaces = new Map();   // "w×h" → {canvas, context, image}: reused, so a frame allocates almost nothing

    function toBytes(bytes) {
        if (bytes instanceof Uint8Array) return bytes;
        if (bytes instanceof ArrayBuffer) return new Uint8Array(bytes);
        if (ArrayBuffer.isView(bytes)) return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
        if (typeof bytes === "string") {
            const text = global.atob(bytes);
            const out = new Uint8Array(text.length);
            for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i);
            return out;
        }
        if (Array.isArray(bytes)) return Uint8Array.from(bytes);
        throw new Error("webuiPreview: unsupported frame type " + typeof bytes);
    }

    function parseMatrix(matrixJson) {
        if (!matrixJson) return null;
        let m = matrices.get(matrixJson);
        if (!m) {
            const parsed = typeof matrixJson === "string" ? JSON.parse(matrixJson) : matrixJson;
            m = { factors: parsed.factors, bias: parsed.bias || [0, 0, 0] };
            if (typeof matrixJson === "string") {
                if (matrices.size > 8) matrices.clear();
                matrices.set(matrixJson, m);
            }
        }
        return m;
    }

    function isJpeg(b) { return b.length > 3 && b[0] === 0xFF && b[1] === 0xD8 && b[2] === 0xFF; }

    function readHeader(b) {
        if (b.length < 16 || b[0] !== 0x57 || b[1] !== 0x4C) throw new Error("webuiPreview: not a latent preview frame");
        if (b[2] !== 1) throw new Error("webuiPreview: unsupported frame version " + b[2]);
        const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
        const channels = b[3];
        const h = {
            channels,
            width: view.getUint16(4, true), height: view.getUint16(6, true),
            step: view.getUint16(8, true), steps: view.getUint16(10, true),
            batch: view.getUint16(12, true), batchCount: view.getUint16(14, true),
            scales: new Float32Array(channels), offsets: new Float32Array(channels),
            dataOffset: 16 + 8 * channels,
        };
        for (let c = 0; c < channels; c++) {
            h.scales[c] = view.getFloat32(16 + 4 * c, true);
            h.offsets[c] = view.getFloat32(16 + 4 * (channels + c), true);
        }
        if (b.length < h.dataOffset + channels * h.width * h.height) throw new Error("webuiPreview: truncated frame");
        return h;
    }

    // rgb = bias + Σ_c M[c]·(offset_c + scale_c·q_c), folded into one constant and one coefficient per channel;
    // then A1111's uint8(255·clamp((v + 1) / 2, 0, 1)).
    function fillRgba(b, h, m, rgba) {
        const C = h.channels, plane = h.width * h.height;
        if (!m || !m.factors || m.factors.length !== C) throw new Error("webuiPreview: the matrix needs " + C + " rows");
        const k = new Float32Array(C * 3), base = new Float32Array(3);
        for (let j = 0; j < 3; j++) {
            let constant = m.bias[j] || 0;
            for (let c = 0; c < C; c++) {
                k[c * 3 + j] = m.factors[c][j] * h.scales[c];
                constant += m.factors[c][j] * h.offsets[c];
            }
            base[j] = constant;
        }
        const data = h.dataOffset;
        for (let i = 0; i < plane; i++) {
            let r = base[0], g = base[1], bl = base[2];
            for (let c = 0; c < C; c++) {
                const q = b[data + c * plane + i];
                r += k[c * 3] * q; g += k[c * 3 + 1] * q; bl += k[c * 3 + 2] * q;
            }
            const o = i * 4;
            rgba[o] = toByte(r); rgba[o + 1] = toByte(g); rgba[o + 2] = toByte(bl); rgba[o + 3] = 255;
        }
    }

    function toByte(v) {
        const x = (v + 1) * 0.5;
        return x <= 0 ? 0 : x >= 1 ? 255 : Math.floor(255 * x);
    }

    function surface(w, h) {
        const key = w + "x" + h;
        let s = surfaces.get(key);
        if (!s) {
            const canvas = global.document.createElement("canvas");
            canvas.width = w; canvas.height = h;
            const context = canvas.getContext("2d");
            s = { canvas, context, image: context.createImageData(w, h) };
            if (surfaces.size > 4) surfaces.clear();
            surfaces.set(key, s);
        }
        return s;
    }

    function target(canvasId, w, h) {
        const canvas = global.document.getElementById(canvasId);
        if (!canvas) return null;
        if (canvas.width !== w) canvas.width = w;
        if (canvas.height !== h) canvas.height = h;
        const context = canvas.getContext("2d");
        context.imageSmoothingEnabled = true;
        context.imageSmoothingQuality = "high";
        return context;
    }

    async function draw(canvasId, bytes, matrixJson) {
        const b = toBytes(bytes);
        if (isJpeg(b)) {
            const bitmap = await global.createImageBitmap(new Blob([b], { type: "image/jpeg" }));
            const context = target(canvasId, bitmap.width, bitmap.height);
            if (context) context.drawImage(bitmap, 0, 0);
            bitmap.close();
            return { width: bitmap.width, height: bitmap.height };
        }
        const h = readHeader(b);
        const s = surface(h.width, h.height);
        fillRgba(b, h, parseMatrix(matrixJson), s.image.data);
        s.context.putImageData(s.image, 0, 0);
        const context = target(canvasId, h.width * SCALE, h.height * SCALE);
        if (!context) return null;
        context.drawImage(s.canvas, 0, 0, h.width * SCALE, h.height * SCALE);
        return { width: h.width * SCALE, height: h.height * SCALE, step: h.step, steps: h.steps, batch: h.batch, batchCount: h.batchCount };
    }

    function clear(canvasId) {
        const canvas = global.document.getElementById(canvasId);
        if (canvas) canvas.getContext("2d").clearRect(0, 0, canvas.width, canvas.height);
    }

    function toRgba(bytes, matrixJson) {
        const b = toBytes(bytes);
        const h = readHeader(b);
        const rgba = new Uint8ClampedArray(h.width * h.height * 4);
        fillRgba(b, h, parseMatrix(matrixJson), rgba);
        return { width: h.width, height: h.height, step: h.step, steps: h.steps, batch: h.batch, batchCount: h.batchCount, rgba };
    }

    global.webuiPreview = { draw, clear, toRgba };
})(typeof window !== "undefined" ? window : globalThis);
