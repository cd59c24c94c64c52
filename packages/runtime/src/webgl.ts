import { type DeviceInfo, describeWebGlRenderer } from './device';

/** The result of looking for WebGL2: the device found, or why there is none. */
export type WebGlProbe = { ok: true; device: DeviceInfo } | { ok: false; reason: string };

/** The part of a WebGL2 context betterdl reads. */
export interface WebGlContextLike {
  getExtension(name: string): unknown;
  getParameter(p: number): unknown;
  readonly VENDOR: number;
  readonly RENDERER: number;
}

/** Makes a throw-away WebGL2 context (an `OffscreenCanvas` or a detached `<canvas>`), or null. */
function makeContext(): WebGlContextLike | null {
  const g = globalThis as {
    OffscreenCanvas?: new (w: number, h: number) => { getContext(t: string): unknown };
    document?: { createElement(t: string): { getContext(t: string): unknown } };
  };
  try {
    const canvas = g.OffscreenCanvas ? new g.OffscreenCanvas(1, 1) : g.document?.createElement('canvas');
    return (canvas?.getContext('webgl2') as WebGlContextLike | null) ?? null;
  } catch {
    return null;
  }
}

/**
 * Looks at the WebGL2 implementation tfjs would train on: its unmasked renderer (to tell SwiftShader or
 * llvmpipe from a GPU) and whether it can render to float textures (`EXT_color_buffer_float`, without which
 * tfjs's WebGL backend computes in half precision and training is not reliable). Pass `context` to
 * probe a given context; by default a throw-away one is made and released.
 */
export function probeWebGl(context?: WebGlContextLike | null): WebGlProbe {
  const gl = context === undefined ? makeContext() : context;
  if (!gl) return { ok: false, reason: 'no WebGL2 (this page cannot create a webgl2 context)' };
  try {
    const debug = gl.getExtension('WEBGL_debug_renderer_info') as {
      UNMASKED_VENDOR_WEBGL: number;
      UNMASKED_RENDERER_WEBGL: number;
    } | null;
    const vendor = String(gl.getParameter(debug ? debug.UNMASKED_VENDOR_WEBGL : gl.VENDOR) ?? '');
    const renderer = String(gl.getParameter(debug ? debug.UNMASKED_RENDERER_WEBGL : gl.RENDERER) ?? '');
    const device = describeWebGlRenderer(vendor || undefined, renderer || undefined);
    if (!gl.getExtension('EXT_color_buffer_float')) {
      return { ok: false, reason: `WebGL2 on ${device.description} cannot render to float textures` };
    }
    return { ok: true, device };
  } finally {
    if (context === undefined) {
      (gl.getExtension('WEBGL_lose_context') as { loseContext(): void } | null)?.loseContext();
    }
  }
}
