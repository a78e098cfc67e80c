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

Protocol notes (see docs/protocol.md): JSON text for control, binary frames
with a 44-byte little-endian header; this server sends raw RGBA whatever the
scene's `encoding` asks (raw is always understood) and ignores `pace`: a
diffusion model is slower than real time anyway. It is
stateless between scenes, so several can sit behind a load balancer.
"""
import argparse
import asyncio
import json
import struct

import numpy as np
import websockets
from PIL import Image

VERSION = 1
HEADER = struct.Struct("<4sHHQIHHQIII")  # 44 bytes, docs/protocol.md
MAX_TEXT = 64 * 1024
MAX_FRAME = 32 << 20


def frame_message(scene_id, index, fps, rgba, transitional=False):
    h, w = rgba.shape[:2]
    payload = rgba.tobytes()
    head = HEADER.pack(b"MZF1", VERSION, HEADER.size, scene_id, index,
                       1 if transitional else 0, 0, int(index / fps * 1e6), w, h, len(payload))
    return head + payload


def parse_frame(msg):
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

    def step(self, image, prompt, negative, seed):
        g = self.torch.Generator("cuda").manual_seed(seed)
        return self.pipe(prompt=prompt, negative_prompt=negative or None, image=image,
                         num_inference_steps=self.steps, strength=self.strength,
                         guidance_scale=0.0, generator=g).images[0]


def render_frames(model, scene, image):
    """Yields RGB PIL images: each the previous one a step further."""
    w, h = scene["width"], scene["height"]
    image = (image or Image.new("RGB", (w, h), (128, 128, 128))).resize((w, h))
    seed = int(scene["seed"]) & 0xFFFFFFFF
    i = 0
    while True:
        image = model.step(image, scene["prompt"], scene.get("negative", ""), seed + i)
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
        "type": "welcome", "version": VERSION, "server": "reference_server.py",
        "backend": args.model, "streaming": True,
        "limits": {"max_message_bytes": MAX_FRAME + 44, "max_frame_bytes": MAX_FRAME,
                   "max_queue_frames": 8, "max_conditioning": 4}}))

    current = None  # the task streaming the scene in flight
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
            image = None
            for _ in range(int(m.get("conditioning", 0))):
                image = parse_frame(await ws.recv())  # keep the newest
            await ws.send(json.dumps({"type": "accepted", "id": m["id"]}))

            async def stream(scene=m, image=image):
                fps = scene.get("fps", 30) or 30
                total = int(scene.get("duration", 0) * fps + 0.999)
                gen = render_frames(model, scene, image)
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
