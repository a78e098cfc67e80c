#version 450
// resolve.frag — temporal upsampling: the procedural generator draws one
// pixel of each grid cell per frame (on a CPU), a different one each
// frame, each exactly what a full-size render shows there; this pass
// builds the full-size frame from those samples and the last full-size
// frame (the history), moved to where the camera's motion puts each pixel
// now (depth from the drawn frame's alpha). A pixel drawn this frame is
// taken as drawn; the others take the history, clamped to the range of
// the newest samples around them, so what moved or changed does not leave
// ghosts; a cut (reset) starts over from the newest samples alone.
layout(set = 0, binding = 0) uniform sampler2D current; // the drawn frame; alpha = depth code
layout(set = 0, binding = 1) uniform sampler2D history; // the last resolved frame
layout(set = 0, binding = 2, std430) readonly buffer ResolveBlock {
    vec4 size;   // frame width, height, drawn width, height
    vec4 grid;   // cell size x, y (frame pixels); the pixel of the cell drawn this frame
    vec4 motion; // since the last frame: camera x, -, height, forward (world units)
    vec4 view;   // horizon y now, horizon y before, yaw now, yaw before (screen units)
    vec4 mode;   // reset (1: no history), weight of the smooth estimate (a dissolve), -, -
} r;
layout(location = 0) out vec4 out_color;

// The inverse of landscape.frag's depth code (alpha = d / (d + 10)).
float depth_of(float a)
{
    return a >= 0.999 ? 1e6 : 10.0 * a / (1.0 - a);
}

// The history at uv, filtered with Catmull-Rom (five bilinear taps, the
// corners left out): bilinear alone blurs a little more each frame a pixel
// is carried over, which is all the detail lost with a moving camera.
vec3 history_at(vec2 uv)
{
    vec2 pos = uv * r.size.xy;
    vec2 c = floor(pos - 0.5) + 0.5;
    vec2 f = pos - c;
    vec2 w0 = f * (-0.5 + f * (1.0 - 0.5 * f));
    vec2 w1 = 1.0 + f * f * (-2.5 + 1.5 * f);
    vec2 w2 = f * (0.5 + f * (2.0 - 1.5 * f));
    vec2 w3 = f * f * (-0.5 + 0.5 * f);
    vec2 w12 = w1 + w2;
    vec2 t0 = (c - 1.0) / r.size.xy, t3 = (c + 2.0) / r.size.xy;
    vec2 t12 = (c + w2 / w12) / r.size.xy;
    vec3 sum = texture(history, vec2(t12.x, t0.y)).rgb * (w12.x * w0.y) +
               texture(history, vec2(t0.x, t12.y)).rgb * (w0.x * w12.y) +
               texture(history, t12).rgb * (w12.x * w12.y) +
               texture(history, vec2(t3.x, t12.y)).rgb * (w3.x * w12.y) +
               texture(history, vec2(t12.x, t3.y)).rgb * (w12.x * w3.y);
    float weight = w12.x * w0.y + w0.x * w12.y + w12.x * w12.y + w3.x * w12.y + w12.x * w3.y;
    return clamp(sum / weight, 0.0, 1.0);
}

float largest(vec3 v)
{
    return max(v.r, max(v.g, v.b));
}

void main()
{
    vec2 frag = gl_FragCoord.xy;
    ivec2 hi = ivec2(r.size.zw) - 1;
    // Where this pixel lies among the drawn samples (sample i sits at
    // frame pixel i * step + offset), and the four around it.
    vec2 lp = (frag - 0.5 - r.grid.zw) / r.grid.xy;
    ivec2 c0 = ivec2(floor(lp));
    vec2 t = clamp(lp - vec2(c0), 0.0, 1.0);
    vec4 s[4];
    for (int k = 0; k < 4; k++)
        s[k] = texelFetch(current, clamp(c0 + ivec2(k & 1, k >> 1), ivec2(0), hi), 0);
    if (t == vec2(0.0) && all(greaterThanEqual(c0, ivec2(0)))) {
        out_color = vec4(s[0].rgb, 1.0); // drawn this frame
        return;
    }
    // The smooth estimate between them is what a cut shows.
    vec3 smooth_ = mix(mix(s[0].rgb, s[1].rgb, t.x), mix(s[2].rgb, s[3].rgb, t.x), t.y);
    if (r.mode.x > 0.5) {
        out_color = vec4(smooth_, 1.0);
        return;
    }
    int nearest = int(t.x > 0.5) + 2 * int(t.y > 0.5);
    vec4 cur = s[nearest];
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
    // The history is kept as it is where the nearest sample agrees with it
    // (the land, a still camera: thin things and all); where the picture
    // changed (rain, snow, waves, a bird) it is held to the four samples'
    // range, widened by half its size so a thin thing between them
    // survives but a ghost of something gone does not.
    vec2 at = vec2(clamp(c0 + ivec2(nearest & 1, nearest >> 1), ivec2(0), hi)) * r.grid.xy + r.grid.zw + 0.5;
    float change = largest(abs(texture(history, uv + (at - frag) / r.size.xy).rgb - cur.rgb));
    vec3 lo = min(min(s[0].rgb, s[1].rgb), min(s[2].rgb, s[3].rgb));
    vec3 hi3 = max(max(s[0].rgb, s[1].rgb), max(s[2].rgb, s[3].rgb));
    vec3 margin = 0.5 * (hi3 - lo) + 0.03;
    vec3 past = history_at(uv);
    past = mix(past, clamp(past, lo - margin, hi3 + margin), smoothstep(0.02, 0.08, change));
    out_color = vec4(mix(past, smooth_, r.mode.y), 1.0);
}
