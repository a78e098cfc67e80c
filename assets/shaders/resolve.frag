#version 450
// resolve.frag — temporal upsampling: the procedural generator draws fewer
// pixels than the frame has (on a CPU), each frame's samples shifted by a
// sub-pixel jitter; this pass builds the full-size frame from the newest
// samples and the last full-size frame (the history), moved to where the
// camera's motion puts each pixel now (depth from the drawn frame's alpha).
// The history is clamped to the range of the newest samples around the
// pixel, so what moved or changed does not leave ghosts; a cut (reset)
// starts over from the newest samples alone.
layout(set = 0, binding = 0) uniform sampler2D current; // the drawn frame; alpha = depth code
layout(set = 0, binding = 1) uniform sampler2D history; // the last resolved frame
layout(set = 0, binding = 2, std430) readonly buffer ResolveBlock {
    vec4 size;   // frame width, height, drawn width, height
    vec4 jitter; // this frame's sample offset (drawn pixels), reset (1: no history), newest weight
    vec4 motion; // since the last frame: camera x, -, height, forward (world units)
    vec4 view;   // horizon y now, horizon y before, yaw now, yaw before (screen units)
} r;
layout(location = 0) out vec4 out_color;

// The inverse of landscape.frag's depth code (alpha = d / (d + 10)).
float depth_of(float a)
{
    return a >= 0.999 ? 1e6 : 10.0 * a / (1.0 - a);
}

void main()
{
    vec2 frag = gl_FragCoord.xy;
    vec2 lp = frag / r.size.xy * r.size.zw; // in drawn pixels
    ivec2 hi = ivec2(r.size.zw) - 1;
    ivec2 ci = clamp(ivec2(floor(lp - r.jitter.xy)), ivec2(0), hi);
    vec2 centre = vec2(ci) + 0.5 + r.jitter.xy;
    vec4 cur = texelFetch(current, ci, 0);
    // The smooth estimate (bilinear between this frame's samples) is what a
    // cut shows; the neighbourhood's range bounds the history.
    vec3 smooth_ = texture(current, (lp - r.jitter.xy) / r.size.zw).rgb;
    vec3 lo = cur.rgb, hi3 = cur.rgb;
    for (int y = -1; y <= 1; y++)
        for (int x = -1; x <= 1; x++) {
            vec3 c = texelFetch(current, clamp(ci + ivec2(x, y), ivec2(0), hi), 0).rgb;
            lo = min(lo, c);
            hi3 = max(hi3, c);
        }
    if (r.jitter.z > 0.5) {
        out_color = vec4(smooth_, 1.0);
        return;
    }
    // Where this pixel's point was a frame ago (landscape.frag's screen
    // units: p.x = (world x - camera x) / depth - yaw; y from the horizon).
    float d = depth_of(cur.a);
    vec2 p = vec2(frag.x - 0.5 * r.size.x, 0.5 * r.size.y - frag.y) / r.size.y;
    float dp = d + r.motion.w;
    vec2 prev;
    if (d > 1e5) {
        prev = vec2(p.x + r.view.z - r.view.w, p.y - r.view.x + r.view.y);
    } else {
        prev.x = ((p.x + r.view.z) * d + r.motion.x) / max(dp, 0.1) - r.view.w;
        prev.y = r.view.y + ((p.y - r.view.x) * d + r.motion.z) / max(dp, 0.1);
    }
    vec2 uv = vec2(prev.x * r.size.y + 0.5 * r.size.x, 0.5 * r.size.y - prev.y * r.size.y) / r.size.xy;
    if (any(lessThan(uv, vec2(0.0))) || any(greaterThan(uv, vec2(1.0)))) {
        out_color = vec4(smooth_, 1.0);
        return;
    }
    // A thin thing (a lit window, a mast) may fall between all nine of this
    // frame's samples: the box is widened by half its size, enough to keep
    // it, not enough to keep a ghost of something gone.
    vec3 margin = 0.5 * (hi3 - lo) + 0.03;
    vec3 past = clamp(texture(history, uv).rgb, lo - margin, hi3 + margin);
    // The newest sample counts where it lies on this pixel (distance in
    // frame pixels): a sample a pixel away adds little, so over the frames
    // each pixel gathers the samples that fell on it.
    vec2 off = (lp - centre) * r.size.xy / r.size.zw;
    float w = clamp(r.jitter.w * 7.0 * exp(-4.0 * dot(off, off)), 0.0, 1.0);
    out_color = vec4(mix(past, cur.rgb, w), 1.0);
}
