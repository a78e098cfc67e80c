// noise.glsl — hashes, value noise and fbm shared by the procedural shaders.
// Hashes are arithmetic only (no sin), so every driver gives the same bits
// for the same input and frames stay reproducible.
#ifndef MZ_NOISE_GLSL
#define MZ_NOISE_GLSL

// Dave Hoskins' hash without sine: uniform in [0,1).
float hash11(float p)
{
    p = fract(p * 0.1031);
    p *= p + 33.33;
    p *= p + p;
    return fract(p);
}

float hash12(vec2 p)
{
    vec3 p3 = fract(vec3(p.xyx) * 0.1031);
    p3 += dot(p3, p3.yzx + 33.33);
    return fract((p3.x + p3.y) * p3.z);
}

vec2 hash22(vec2 p)
{
    vec3 p3 = fract(vec3(p.xyx) * vec3(0.1031, 0.1030, 0.0973));
    p3 += dot(p3, p3.yzx + 33.33);
    return fract((p3.xx + p3.yz) * p3.zy);
}

// Smooth 1D value noise in [0,1].
float noise1(float x)
{
    float i = floor(x), f = fract(x);
    float u = f * f * (3.0 - 2.0 * f);
    return mix(hash11(i), hash11(i + 1.0), u);
}

// Smooth 2D value noise in [0,1].
float noise2(vec2 p)
{
    vec2 i = floor(p), f = fract(p);
    vec2 u = f * f * (3.0 - 2.0 * f);
    float a = hash12(i), b = hash12(i + vec2(1, 0));
    float c = hash12(i + vec2(0, 1)), d = hash12(i + vec2(1, 1));
    return mix(mix(a, b, u.x), mix(c, d, u.x), u.y);
}

// Fractal sums, normalised to about [0,1]. Octave counts are small on
// purpose: on lavapipe every octave costs about a millisecond at 640x360.
float fbm1(float x, int octaves)
{
    float sum = 0.0, amp = 0.5, norm = 0.0;
    for (int i = 0; i < octaves; i++) {
        sum += amp * noise1(x);
        norm += amp;
        x = x * 2.03 + 17.1;
        amp *= 0.5;
    }
    return sum / norm;
}

// Ridged: sharp crests, for mountain silhouettes.
float ridge1(float x, int octaves)
{
    float sum = 0.0, amp = 0.5, norm = 0.0;
    for (int i = 0; i < octaves; i++) {
        float n = 1.0 - abs(noise1(x) * 2.0 - 1.0);
        sum += amp * n * n;
        norm += amp;
        x = x * 2.1 + 5.3;
        amp *= 0.5;
    }
    return sum / norm;
}

// Smooth and ridged fbm blended by `ridge` 0..1, from one set of noise
// samples: blending two separate sums would cost twice the octaves.
float terrain1(float x, int octaves, float ridge)
{
    float sum = 0.0, amp = 0.5, norm = 0.0;
    for (int i = 0; i < octaves; i++) {
        float n = noise1(x);
        float r = 1.0 - abs(n * 2.0 - 1.0);
        sum += amp * mix(n, r * r, ridge);
        norm += amp;
        x = x * 2.07 + 11.3;
        amp *= 0.5;
    }
    return sum / norm;
}

const mat2 FBM_ROT = mat2(0.8, 0.6, -0.6, 0.8);

float fbm2(vec2 p, int octaves)
{
    float sum = 0.0, amp = 0.5, norm = 0.0;
    for (int i = 0; i < octaves; i++) {
        sum += amp * noise2(p);
        norm += amp;
        p = FBM_ROT * p * 2.02 + vec2(7.3, 1.9);
        amp *= 0.5;
    }
    return sum / norm;
}

// smoothstep for a falling edge, which GLSL leaves undefined when written
// smoothstep(e1, e0, x) with e1 > e0 (llvmpipe draws a white band):
// 1 at e0 and before, 0 at e1 and after.
float fall(float e0, float e1, float x)
{
    float t = clamp((x - e0) / (e1 - e0), 0.0, 1.0);
    return 1.0 - t * t * (3.0 - 2.0 * t);
}

#endif
