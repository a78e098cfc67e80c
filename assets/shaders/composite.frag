#version 450
// The display composite: the frame (cross-faded from the previous one while a
// fade runs) letterboxed into `rect`, black bars around it, and the overlay
// (captions, input line, indicators) on top with its alpha.
layout(location = 0) out vec4 color;

layout(set = 0, binding = 0) uniform sampler2D frame_now;
layout(set = 0, binding = 1) uniform sampler2D frame_before;
layout(set = 0, binding = 2) uniform sampler2D overlay;

layout(push_constant) uniform Composite {
    vec4 rect;       // x0, y0, x1, y1 of the frame in target uv
    vec2 size;       // the target in pixels
    float fade;      // 1 = only frame_now, 0 = only frame_before
    float has_frame; // 0 until the first frame arrives: black
    float has_overlay;
} pc;

void main()
{
    vec2 uv = gl_FragCoord.xy / pc.size;
    vec3 c = vec3(0.0);
    vec2 f = (uv - pc.rect.xy) / (pc.rect.zw - pc.rect.xy);
    if (pc.has_frame > 0.5 && all(greaterThanEqual(f, vec2(0.0))) && all(lessThanEqual(f, vec2(1.0)))) {
        vec3 now = texture(frame_now, f).rgb;
        c = pc.fade >= 1.0 ? now : mix(texture(frame_before, f).rgb, now, pc.fade);
    }
    if (pc.has_overlay > 0.5) {
        // The overlay is drawn at the target's size: fetch its texel, no
        // filtering (cheaper on lavapipe); during a resize it is briefly
        // another size and scales by nearest texel.
        ivec2 osize = textureSize(overlay, 0);
        vec4 o = texelFetch(overlay, min(ivec2(uv * vec2(osize)), osize - 1), 0);
        c = mix(c, o.rgb, o.a);
    }
    color = vec4(c, 1.0);
}
