#!/usr/bin/env python3
"""reference_server.py - a maze generation server around a diffusers pipeline.

OPTIONAL, for users with a GPU. Nothing in the build or the tests needs it,
and the project's CI does not run it (no GPU, torch or diffusers there).
It shows how to put a neural image model behind docs/protocol.md so that
`maze play --generator ws://HOST:8765` (or any mz_gen opened with that URI)
renders with it, falling back to the embedded generator whenever this server
is slow or gone.

    pip install websockets diffusers transformers accelerate torch pillow
    python3 tools/reference_server.py --model stabilityai/sd-turbo --port 8765

What it does per scene: takes the last conditioning frame (the frame on the
viewer's screen), runs img2img with the scene's prompt and seed, and streams
frames as they are made: each frame is the previous one pushed a step further
(strength --strength), so the picture evolves continuously instead of jumping.
With an image-to-video pipeline (e.g. StableVideoDiffusionPipeline) replace
`render_frames` with one that yields the pipeline's frames in order.

Blended prompts (protocol 1.1, docs/protocol.md "Blended prompts"): a scene's
`prompts` are encoded one by one and their text embeddings averaged by
weight; `transition: {steps, method}` moves from the last scene's embedding
to the new one over `steps` frames, by lerp or by a true slerp of the
embeddings (as Daydream Scope does). The last embedding is kept per
connection: after a reconnect the change is carried by the conditioning
frame alone. A pipeline without a one-prompt `encode_prompt` (SD 1.x and
2.x, sd-turbo, have one; SDXL's differs) draws the heaviest prompt.

Protocol notes (see docs/protocol.md): JSON text for control, binary frames
with a 44-byte little-endian header; this server sends raw RGBA whatever the
scene's `encoding` asks (raw is always understood) and ignores `pace`: a
diffusion model is slower than real time anyway. It is
stateless between scenes, so several can sit behind a load balancer.
"""
import argparse
import asyncio
import json
import math
import struct

# numpy, PIL, websockets and torch are imported where they are used, so the
# protocol's rules below can be checked without them
# (tests/remote/reference_rules.py).

VERSION = 1
MINOR = 1
MAX_PROMPTS = 8
MAX_PROMPT = 4096
MAX_WEIGHT = 1e6
MAX_STEPS = 600
HEADER = struct.Struct("<4sHHQIHHQIII")  # 44 bytes, docs/protocol.md
MAX_TEXT = 64 * 1024
MAX_FRAME = 32 << 20


class BadMessage(ValueError):
    """A scene the protocol refuses: error `bad_message`, fatal."""


def _number(v):
    return isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)


def scene_prompts(scene):
    """[(text, weight)] with weights summing to 1: the scene's `prompts`, or
    its `prompt` alone. Raises BadMessage as docs/protocol.md says."""
    if "prompts" not in scene:
        return [(scene["prompt"], 1.0)]
    ps = scene["prompts"]
    if not isinstance(ps, list) or not all(isinstance(p, dict) for p in ps):
        raise BadMessage("scene: 'prompts' must be an array of {text, weight}")
    if not 1 <= len(ps) <= MAX_PROMPTS:
        raise BadMessage("scene: 'prompts' must have 1 to 8 entries")
    out = []
    for p in ps:
        text, weight = p.get("text"), p.get("weight")
        if not isinstance(text, str):
            raise BadMessage("scene: 'text' must be a string")
        if len(text.encode()) > MAX_PROMPT:
            raise BadMessage("scene: 'text' is longer than 4096 bytes")
        if not _number(weight) or not 0 <= weight <= MAX_WEIGHT:
            raise BadMessage("scene: 'weight' must be a number in 0..1e+06")
        out.append((text, float(weight)))
    total = sum(w for _, w in out)
    if total <= 0:
        raise BadMessage("scene: 'prompts' has weights that are all 0")
    return [(t, w / total) for t, w in out]


def scene_transition(scene):
    """(steps, method): steps 0 when the scene gives seconds (or nothing)."""
    t = scene.get("transition", 1)
    if not isinstance(t, dict):
        if not _number(t) or not 0 <= t <= 60:
            raise BadMessage("scene: 'transition' must be a number in 0..60")
        return 0, "linear"
    steps, method = t.get("steps"), t.get("method", "linear")
    if not _number(steps) or steps != int(steps) or not 1 <= steps <= MAX_STEPS:
        raise BadMessage("scene: 'steps' must be an integer in 1..600")
    if method not in ("linear", "slerp"):
        raise BadMessage("scene: 'method' must be \"linear\" or \"slerp\"")
    return int(steps), method


def transition_at(index, steps):
    """How far frame `index` is into a change of `steps` frames: step
    index+1 of them, 1 from frame steps-1 on (the engine's rule)."""
    return 1.0 if steps <= 0 or index + 1 >= steps else (index + 1) / steps


def slerp(a, b, t):
    """Spherical interpolation of two embedding tensors (torch), by their
    flattened direction; lerp when they are nearly parallel."""
    fa, fb = a.flatten().float(), b.flatten().float()
    cos = (fa @ fb / (fa.norm() * fb.norm())).clamp(-1, 1).item()
    omega = math.acos(cos)
    if omega < 1e-4:
        return a + (b - a) * t
    sa, sb = math.sin((1 - t) * omega), math.sin(t * omega)
    return ((fa * sa + fb * sb) / math.sin(omega)).reshape(a.shape).to(a.dtype)


def frame_message(scene_id, index, fps, rgba, transitional=False):
    h, w = rgba.shape[:2]
    payload = rgba.tobytes()
    head = HEADER.pack(b"MZF1", VERSION, HEADER.size, scene_id, index,
                       1 if transitional else 0, 0, int(index / fps * 1e6), w, h, len(payload))
    return head + payload


def parse_frame(msg):
    from PIL import Image
    magic, ver, hsize, sid, idx, flags, enc, ts, w, h, n = HEADER.unpack_from(msg)
    if magic != b"MZF1" or ver != VERSION or len(msg) - hsize != n:
        raise ValueError("bad frame")
    data = msg[hsize:]
    if enc == 0:
        img = Image.frombytes("RGBA", (w, h), data)
    else:
        import io
        img = Image.open(io.BytesIO(data)).convert("RGBA")
    return img.convert("RGB")


class Model:
    def __init__(self, name, steps, strength):
        import torch
        from diffusers import AutoPipelineForImage2Image
        self.torch = torch
        self.pipe = AutoPipelineForImage2Image.from_pretrained(
            name, torch_dtype=torch.float16).to("cuda")
        self.steps, self.strength = steps, strength

    def embed(self, prompts, negative):
        """The weighted mean of the prompts' text embeddings, with the
        negative prompt's; None when the pipeline cannot encode a prompt."""
        encode = getattr(self.pipe, "encode_prompt", None)
        # SDXL's encode_prompt takes two prompts and gives pooled embeddings
        # too: those pipelines draw the heaviest prompt instead.
        if encode is None or hasattr(self.pipe, "text_encoder_2"):
            return None
        mean = None
        for text, weight in prompts:
            e, neg = encode(text, "cuda", 1, False, negative_prompt=negative or None)[:2]
            mean = e * weight if mean is None else mean + e * weight
        return mean, neg

    def step(self, image, seed, prompt=None, negative=None, embeds=None):
        g = self.torch.Generator("cuda").manual_seed(seed)
        words = ({"prompt_embeds": embeds[0], "negative_prompt_embeds": embeds[1]} if embeds
                 else {"prompt": prompt, "negative_prompt": negative or None})
        return self.pipe(image=image, num_inference_steps=self.steps, strength=self.strength,
                         guidance_scale=0.0, generator=g, **words).images[0]


def render_frames(model, scene, image, last):
    """Yields RGB PIL images: each the previous one a step further, its
    prompts blended and, with steps, moving from last["embeds"] (the
    connection's previous scene) to them; leaves the new embeds in last."""
    from PIL import Image
    w, h = scene["width"], scene["height"]
    image = (image or Image.new("RGB", (w, h), (128, 128, 128))).resize((w, h))
    seed = int(scene["seed"]) & 0xFFFFFFFF
    prompts = scene_prompts(scene)
    steps, method = scene_transition(scene)
    negative = scene.get("negative", "")
    target = model.embed(prompts, negative)
    before, last["embeds"] = last.get("embeds"), target
    heaviest = max(prompts, key=lambda p: p[1])[0]
    i = 0
    while True:
        embeds = target
        t = transition_at(i, steps)
        if target is not None and before is not None and t < 1:
            mix = slerp if method == "slerp" else (lambda a, b, t: a + (b - a) * t)
            embeds = (mix(before[0], target[0], t), target[1])
        image = model.step(image, seed + i, heaviest, negative, embeds)
        yield image
        i += 1


async def session(ws, model, args):
    async def send_error(code, message, fatal=True, scene_id=None):
        m = {"type": "error", "code": code, "message": message, "fatal": fatal}
        if scene_id:
            m["id"] = scene_id
        await ws.send(json.dumps(m))
        if fatal:
            await ws.close(1002, code)

    hello = json.loads(await ws.recv())
    if hello.get("type") != "hello":
        return await send_error("bad_message", "the first message must be hello")
    if hello.get("version") != VERSION:
        return await send_error("bad_version", f"this server speaks version {VERSION}")
    await ws.send(json.dumps({
        "type": "welcome", "version": VERSION, "minor": MINOR, "server": "reference_server.py",
        "backend": args.model, "streaming": True,
        "limits": {"max_message_bytes": MAX_FRAME + 44, "max_frame_bytes": MAX_FRAME,
                   "max_queue_frames": 8, "max_conditioning": 4}}))

    current = None  # the task streaming the scene in flight
    last = {}  # the last scene's embeddings, for a transition in steps
    loop = asyncio.get_running_loop()
    async for msg in ws:
        if isinstance(msg, bytes):
            return await send_error("bad_message", "a frame outside a scene's conditioning")
        if len(msg) > MAX_TEXT:
            return await send_error("too_large", "text message over 64 KiB")
        m = json.loads(msg)
        if m.get("type") == "cancel" and current:
            current.cancel()
        elif m.get("type") == "scene":
            if current:
                current.cancel()
            try:
                scene_prompts(m), scene_transition(m)
            except BadMessage as e:
                return await send_error("bad_message", str(e))
            image = None
            for _ in range(int(m.get("conditioning", 0))):
                image = parse_frame(await ws.recv())  # keep the newest
            await ws.send(json.dumps({"type": "accepted", "id": m["id"]}))

            async def stream(scene=m, image=image):
                import numpy as np
                fps = scene.get("fps", 30) or 30
                total = int(scene.get("duration", 0) * fps + 0.999)
                gen = render_frames(model, scene, image, last)
                index = 0
                while total == 0 or index < total:
                    img = await loop.run_in_executor(None, next, gen)
                    rgba = np.asarray(img.convert("RGBA"), dtype=np.uint8)
                    await ws.send(frame_message(int(scene["id"]), index, fps, rgba))
                    index += 1
                await ws.send(json.dumps({"type": "done", "id": scene["id"], "frames": index}))
            current = asyncio.create_task(stream())
        else:
            return await send_error("bad_message", f"unexpected message {m.get('type')!r}")


async def main():
    import websockets
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8765)
    p.add_argument("--model", default="stabilityai/sd-turbo")
    p.add_argument("--steps", type=int, default=2)
    p.add_argument("--strength", type=float, default=0.5)
    args = p.parse_args()
    model = Model(args.model, args.steps, args.strength)
    async with websockets.serve(lambda ws: session(ws, model, args), args.host, args.port,
                                subprotocols=["maze-gen.v1"], max_size=MAX_FRAME + 1024):
        print(f"reference_server: ws://{args.host}:{args.port} serving {args.model}")
        await asyncio.Future()


if __name__ == "__main__":
    asyncio.run(main())
