"""tools/reference_server.py's reading of protocol 1.1's `prompts` and
`transition` (docs/protocol.md "Blended prompts"): the same rules and
messages as engine/gen/proto.c, and the same frame at which a transition
of N steps arrives. Needs only Python: the server's model code is not run."""
import os
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "tools"))
import reference_server as rs  # noqa: E402

failures = 0


def check(what, ok):
    global failures
    print(("ok   " if ok else "FAIL ") + what)
    failures += not ok


def refused(scene, says):
    try:
        rs.scene_prompts(scene)
        rs.scene_transition(scene)
    except rs.BadMessage as e:
        return says in str(e)
    return False


base = {"type": "scene", "id": 1, "prompt": "a harbour", "seed": 1, "width": 64, "height": 64}
check("no prompts: the prompt alone", rs.scene_prompts(base) == [("a harbour", 1.0)])
ps = rs.scene_prompts(dict(base, prompts=[{"text": "a", "weight": 3}, {"text": "b", "weight": 1}]))
check("weights are normalised", ps == [("a", 0.75), ("b", 0.25)])
check("seconds: no steps", rs.scene_transition(dict(base, transition=2.5)) == (0, "linear"))
check("steps and method", rs.scene_transition(dict(base, transition={"steps": 8, "method": "slerp"}))
      == (8, "slerp"))
check("method defaults to linear", rs.scene_transition(dict(base, transition={"steps": 3}))
      == (3, "linear"))
for scene, says in [
    (dict(base, prompts=[]), "1 to 8 entries"),
    (dict(base, prompts=[{"text": "a", "weight": 1}] * 9), "1 to 8 entries"),
    (dict(base, prompts={}), "must be an array"),
    (dict(base, prompts=[{"text": "a", "weight": -1}]), "'weight' must be a number in 0..1e+06"),
    (dict(base, prompts=[{"text": "a", "weight": True}]), "'weight' must be a number"),
    (dict(base, prompts=[{"text": 7, "weight": 1}]), "'text' must be a string"),
    (dict(base, prompts=[{"text": "a", "weight": 0}, {"text": "b", "weight": 0}]), "all 0"),
    (dict(base, transition={"steps": 0}), "'steps' must be an integer in 1..600"),
    (dict(base, transition={"steps": 601}), "'steps' must be an integer in 1..600"),
    (dict(base, transition={"steps": 2.5}), "'steps' must be an integer"),
    (dict(base, transition={"steps": 4, "method": "cubic"}), "'method' must be"),
    (dict(base, transition="slow"), "'transition' must be a number in 0..60"),
]:
    check(f"refused: {says}", refused(scene, says))
# A transition of N steps: the N-th frame (index N-1) arrives, none before.
check("step N arrives", [rs.transition_at(i, 4) for i in range(6)] == [0.25, 0.5, 0.75, 1, 1, 1])
check("no steps: already there", rs.transition_at(0, 0) == 1)
print(f"{failures} failed")
sys.exit(1 if failures else 0)
